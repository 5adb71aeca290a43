using System.Globalization;
using System.Text;
using Pvc.ZooKeeper;

namespace Pvc.Testing.Pvc;

public static partial class PvcSeed
{
    /// <summary>The path of a VM's key as PVC names it: <c>/domains/&lt;uuid&gt;</c> and <paramref name="key"/> (<c>"/state"</c>, ...).</summary>
    public static string VmKey(Guid uuid, string key) => $"/domains/{uuid}{key}";

    /// <summary>
    /// A VM's libvirt XML as PVC's provisioner writes it (daemon-common/libvirt_schema.py: a KVM domain with a machine
    /// type, host-model CPU, a serial console logging to /var/log/libvirt/&lt;name&gt;.log, PVC's default devices, a
    /// virtio-scsi controller, an RBD disk on Ceph and a virtio NIC on a VM bridge), so that any PVC tool can read it:
    /// PVC 1.0.3's VM getter needs <c>os/type@machine</c>, <c>devices/console</c> and <c>devices/emulator</c> and drops
    /// a VM without them. libvirt's test driver runs it unchanged (the disk is never opened there).
    /// </summary>
    /// <param name="uuid">The domain's UUID.</param>
    /// <param name="name">The domain's name.</param>
    /// <param name="memoryMiB">Memory.</param>
    /// <param name="vcpus">vCPUs (one socket, that many cores).</param>
    /// <param name="rbd">The disk's RBD image, <c>pool/volume</c>; PVC's provisioner names it <c>vms/&lt;name&gt;_sda</c>.</param>
    /// <param name="bridge">The NIC's bridge: <c>vmbr&lt;vni&gt;</c>, a PVC network's bridge.</param>
    /// <param name="memoryElement">The whole <c>&lt;memory&gt;</c> element instead of <paramref name="memoryMiB"/>, for bad values.</param>
    /// <param name="vnc">A VNC console too (a system template with <c>vnc</c>): a graphics device and a video card.</param>
    public static string Xml(Guid uuid, string name, int memoryMiB = 1024, int vcpus = 2, string? rbd = null, string bridge = "vmbr100",
        string? memoryElement = null, bool vnc = false)
    {
        var b = uuid.ToByteArray();
        var graphics = vnc ? "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/><video><model type='virtio'/></video>" : "";
        return $"""
            <domain type='kvm'>
              <name>{name}</name>
              <uuid>{uuid}</uuid>
              <description>test VM {name}</description>
              {memoryElement ?? $"<memory unit='MiB'>{memoryMiB}</memory>"}
              <vcpu>{vcpus}</vcpu>
              <cpu mode='host-model'>
                <topology sockets='1' cores='{vcpus}' threads='1'/>
              </cpu>
              <os>
                <type arch='x86_64' machine='pc-i440fx-2.7'>hvm</type>
                <bootmenu enable='yes'/>
                <boot dev='cdrom'/>
                <boot dev='hd'/>
                <bios useserial='yes' rebootTimeout='5'/>
              </os>
              <features>
                <acpi/>
                <apic/>
                <pae/>
              </features>
              <clock offset='utc'/>
              <on_poweroff>destroy</on_poweroff>
              <on_reboot>restart</on_reboot>
              <on_crash>restart</on_crash>
              <devices>
                <console type='pty'/>
                <emulator>/usr/bin/kvm</emulator>
                <controller type='usb' index='0'/>
                <controller type='pci' index='0' model='pci-root'/>
                <rng model='virtio'>
                  <rate period="1000" bytes="2048"/>
                  <backend model='random'>/dev/random</backend>
                </rng>
                <channel type='unix'>
                  <target type='virtio' name='org.qemu.guest_agent.0'/>
                </channel>
                <serial type='pty'>
                  <log file='/var/log/libvirt/{name}.log' append='on'/>
                </serial>
                <controller type='scsi' index='0' model='virtio-scsi'/>
                <disk type='network' device='disk'>
                  <driver name='qemu' discard='unmap' cache='none'/>
                  <target dev='sda' bus='scsi'/>
                  <auth username='libvirt'>
                    <secret type='ceph' uuid='{CephSecretUuid}'/>
                  </auth>
                  <source protocol='rbd' name='{rbd ?? $"vms/{name}_sda"}'>
                    <host name='hv1' port='6789'/>
                    <host name='hv2' port='6789'/>
                    <host name='hv3' port='6789'/>
                  </source>
                </disk>
                <interface type='bridge'>
                  <mac address='52:54:00:{b[0]:x2}:{b[1]:x2}:{b[2]:x2}'/>
                  <source bridge='{bridge}'/>
                  <model type='virtio'/>
                </interface>
                {graphics}
              </devices>
            </domain>
            """;
    }

    /// <summary>The libvirt secret (<c>ceph_storage_secret_uuid</c> in pvc.conf) the disks of <see cref="Xml"/> authenticate with.</summary>
    public const string CephSecretUuid = "c0ffee00-5eed-4c0d-a000-000000000001";

    /// <summary>A VM exactly as PVC's define_vm writes it (profile "None", empty strings, "True"/"False").</summary>
    public static async Task<Guid> AddVmAsync(ZooKeeperClient zk, string name, string node, string state = "start", Guid? uuid = null,
        string lastNode = "", string nodeLimit = "", string selector = "none", string autostart = "False", string method = "none",
        string profile = "None", string? xml = null, IEnumerable<(string Tag, bool Protected)>? tags = null)
    {
        var id = uuid ?? Guid.NewGuid();
        xml ??= Xml(id, name);
        var p = $"/domains/{id}";
        var ops = new List<Op> { Op.Create(p, B(name)) };
        foreach (var (key, value) in new (string, string)[]
        {
            ("xml", xml), ("state", state), ("profile", profile), ("stats", ""), ("node", node),
            ("lastnode", lastNode), ("failedreason", ""), ("rbdlist", RbdList(xml)), ("consolelog", ""), ("vnc", ""),
            ("node_autostart", autostart), ("migration_method", method), ("migration_max_downtime", "300"),
            ("node_limit", nodeLimit), ("node_selector", selector), ("tags", ""), ("migrate_sync_lock", ""), ("snapshots", ""),
        })
            ops.Add(Op.Create($"{p}/{key}", B(value)));
        foreach (var (tag, isProtected) in tags ?? [])
        {
            ops.Add(Op.Create($"{p}/tags/{tag}", B(tag)));
            ops.Add(Op.Create($"{p}/tags/{tag}/type", B("user")));
            ops.Add(Op.Create($"{p}/tags/{tag}/protected", B(isProtected ? "True" : "False")));
        }
        await zk.MultiAsync(ops);
        return id;
    }

    /// <summary>PVC's <c>rbdlist</c> of a domain XML: its RBD disks' <c>pool/volume</c> names, comma-joined ("" for none or unreadable XML).</summary>
    private static string RbdList(string xml)
    {
        try
        {
            return string.Join(",", System.Xml.Linq.XDocument.Parse(xml).Root?.Element("devices")?.Elements("disk")
                .Select(d => d.Element("source"))
                .Where(s => (string?)s?.Attribute("protocol") == "rbd")
                .Select(s => (string?)s!.Attribute("name")) ?? []);
        }
        catch (System.Xml.XmlException)
        {
            return "";
        }
    }
}
