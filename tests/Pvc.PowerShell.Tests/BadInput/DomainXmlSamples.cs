namespace Pvc.PowerShell.Tests.BadInput;

/// <summary>Domain XML documents for the bad-input tests, each wrong in one way (or carrying one refused element).</summary>
internal static class DomainXmlSamples
{
    /// <summary>A small, valid domain with the parts given replaced.</summary>
    public static string Domain(Guid uuid, string name, string memory = "<memory unit=\"MiB\">1024</memory>", string vcpu = "<vcpu>2</vcpu>",
        string devices = "", string prolog = "", string extra = "", string? uuidText = null, string? nameElement = null) => $"""
        {prolog}<domain type="kvm">
          {nameElement ?? $"<name>{name}</name>"}
          <uuid>{uuidText ?? uuid.ToString()}</uuid>
          {memory}
          {vcpu}
          <os><type arch="x86_64" machine="pc">hvm</type></os>
          <devices>
            <interface type="bridge"><source bridge="vmbr100"/><model type="virtio"/></interface>
            {devices}
          </devices>
          {extra}
        </domain>
        """;

    private const string QemuCommandLine = """<qemu:commandline xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0"><qemu:arg value="-fw_cfg"/><qemu:arg value="name=opt/x,file=/etc/shadow"/></qemu:commandline>""";

    /// <summary>An RBD disk around <paramref name="source"/>, with PVC's cephx auth.</summary>
    private static string RbdDisk(string source) =>
        $"<disk type=\"network\" device=\"disk\"><auth username=\"libvirt\"><secret type=\"ceph\" uuid=\"c0ffee00-5eed-4c0d-a000-000000000001\"/></auth>{source}<target dev=\"sda\" bus=\"scsi\"/></disk>";

    /// <summary>
    /// The XML of a bad-input case, by name, for a new VM with this UUID and (where the case does not spoil it) this
    /// name: by default one of its own, so that a case wrongly accepted does not turn the next into a duplicate.
    /// </summary>
    public static string Case(string name, Guid uuid, string? vmName = null)
    {
        var vm = vmName ?? $"new-{uuid:N}"[..12];
        return name switch
        {
            "not-well-formed" => $"<domain><name>{vm}</name><uuid>{uuid}</uuid>",
            "not-a-domain" => $"<network><name>{vm}</name><uuid>{uuid}</uuid></network>",
            "no-name" => Domain(uuid, "", nameElement: ""),
            "empty-name" => Domain(uuid, ""),
            "slash-in-name" => Domain(uuid, "web/1"),
            "long-name" => Domain(uuid, new string('a', 201)),
            "control-in-name" => Domain(uuid, "we&#9;b"),
            "no-uuid" => Domain(uuid, vm, uuidText: "").Replace("<uuid></uuid>", "", StringComparison.Ordinal),
            "bad-uuid" => Domain(uuid, vm, uuidText: "not-a-uuid"),
            "zero-uuid" => Domain(uuid, vm, uuidText: Guid.Empty.ToString()),
            "memory-not-a-number" => Domain(uuid, vm, memory: "<memory unit=\"MiB\">lots</memory>"),
            "memory-overflow" => Domain(uuid, vm, memory: "<memory unit=\"TiB\">1000000000000000</memory>"),
            "memory-29-digits" => Domain(uuid, vm, memory: "<memory unit=\"KiB\">99999999999999999999999999999</memory>"),
            "memory-unknown-unit" => Domain(uuid, vm, memory: "<memory unit=\"parsecs\">4</memory>"),
            "memory-zero" => Domain(uuid, vm, memory: "<memory unit=\"MiB\">0</memory>"),
            "no-memory" => Domain(uuid, vm, memory: ""),
            "vcpu-zero" => Domain(uuid, vm, vcpu: "<vcpu>0</vcpu>"),
            "vcpu-text" => Domain(uuid, vm, vcpu: "<vcpu>two</vcpu>"),
            "memory-over-node" => Domain(uuid, vm, memory: "<memory unit=\"GiB\">40</memory>"),
            "vcpus-over-node" => Domain(uuid, vm, vcpu: "<vcpu>14</vcpu>"),
            "doctype-entity" => Domain(uuid, "&n;", prolog: $"<!DOCTYPE domain [<!ENTITY n \"{vm}\">]>\n"),
            "billion-laughs" => Domain(uuid, "&lol9;", prolog: BillionLaughs),
            "external-entity" => Domain(uuid, "&x;", prolog: "<!DOCTYPE domain [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>\n"),
            "too-large" => Domain(uuid, vm, extra: $"<description>{new string('x', (1024 * 1024) + 1)}</description>"),
            "qemu-commandline" => Domain(uuid, vm, extra: QemuCommandLine),
            "qemu-commandline-other-prefix" => Domain(uuid, vm, extra: QemuCommandLine.Replace("qemu:", "q:", StringComparison.Ordinal).Replace("xmlns:qemu", "xmlns:q", StringComparison.Ordinal)),
            "hostdev" => Domain(uuid, vm, devices: "<hostdev mode=\"subsystem\" type=\"pci\" managed=\"yes\"><source><address domain=\"0x0000\" bus=\"0x06\" slot=\"0x02\" function=\"0x0\"/></source></hostdev>"),
            "interface-hostdev" => Domain(uuid, vm, devices: "<interface type=\"hostdev\" managed=\"yes\"><source><address type=\"pci\" domain=\"0x0000\" bus=\"0x00\" slot=\"0x07\" function=\"0x0\"/></source></interface>"),
            "disk-block" => Domain(uuid, vm, devices: "<disk type=\"block\" device=\"disk\"><source dev=\"/dev/sda\"/><target dev=\"vdb\" bus=\"virtio\"/></disk>"),
            "disk-file-pvc-conf" => Domain(uuid, vm, devices: "<disk type=\"file\" device=\"disk\"><source file=\"/etc/pvc/pvc.conf\"/><target dev=\"vdb\" bus=\"virtio\"/></disk>"),
            "virtiofs-root" => Domain(uuid, vm, devices: "<filesystem type=\"mount\" accessmode=\"passthrough\"><driver type=\"virtiofs\"/><source dir=\"/\"/><target dir=\"root\"/></filesystem>"),
            "serial-file" => Domain(uuid, vm, devices: "<serial type=\"file\"><source path=\"/etc/cron.d/evil\"/><target port=\"0\"/></serial>"),
            "kernel-outside" => Domain(uuid, vm, extra: "<os><kernel>/boot/vmlinuz</kernel></os>"),
            "nvram-template" => Domain(uuid, vm, extra: "<os><nvram template=\"/etc/pvc/pvc.conf\">/var/lib/libvirt/qemu/nvram/x_VARS.fd</nvram></os>"),
            "seclabel-none" => Domain(uuid, vm, extra: "<seclabel type=\"none\"/>"),
            "rbd-monitor-option" => Domain(uuid, vm, devices: RbdDisk("<source protocol=\"rbd\" name=\"vms/disk0\"><host name=\"hv1;auth_supported=none\" port=\"6789\"/></source>")),
            "rbd-image-path" => Domain(uuid, vm, devices: RbdDisk("<source protocol=\"rbd\" name=\"vms/../disk0\"/>")),
            "rbd-config-file" => Domain(uuid, vm, devices: RbdDisk("<source protocol=\"rbd\" name=\"vms/disk0\"><config file=\"/root/other.conf\"/></source>")),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such case"),
        };
    }

    private const string BillionLaughs = """
        <!DOCTYPE domain [
          <!ENTITY lol "lol">
          <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
          <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
          <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
          <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
          <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
          <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
          <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
          <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
          <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
        ]>

        """;
}
