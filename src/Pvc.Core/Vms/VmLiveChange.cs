using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pvc.Core.Errors;

namespace Pvc.Core.Vms;

/// <summary>
/// One change of a running VM that its node makes through libvirt (a <see cref="Tasks.ClusterTaskKinds.VmLiveChange"/>
/// task's arguments): a bridged NIC or an RBD disk attached or detached, the vCPU count or the memory set. The node reads it back
/// with <see cref="FromArguments"/>, which checks every value again (they come from ZooKeeper) and builds the device
/// XML itself from them: nothing else of the task reaches libvirt.
/// </summary>
public sealed partial record VmLiveChange
{
    /// <summary>What is changed.</summary>
    public required VmLiveChangeKind Kind { get; init; }

    /// <summary>The VM.</summary>
    public required Guid Vm { get; init; }

    /// <summary>The NIC's MAC address (lowercase), for <see cref="VmLiveChangeKind.AttachNic"/> and <see cref="VmLiveChangeKind.DetachNic"/>.</summary>
    public string? Mac { get; init; }

    /// <summary>The NIC's bridge, for <see cref="VmLiveChangeKind.AttachNic"/> and <see cref="VmLiveChangeKind.DetachNic"/> (libvirt reads a bridge interface only with its source).</summary>
    public string? Bridge { get; init; }

    /// <summary>The NIC's model, for <see cref="VmLiveChangeKind.AttachNic"/>.</summary>
    public string? Model { get; init; }

    /// <summary>The vCPU count, for <see cref="VmLiveChangeKind.SetVcpus"/>.</summary>
    public int? Vcpus { get; init; }

    /// <summary>The memory in MiB, for <see cref="VmLiveChangeKind.SetMemory"/>.</summary>
    public long? MemoryMiB { get; init; }

    /// <summary>The RBD volume (<c>pool/volume</c>), for <see cref="VmLiveChangeKind.AttachDisk"/> and <see cref="VmLiveChangeKind.DetachDisk"/>.</summary>
    public string? Volume { get; init; }

    /// <summary>The disk's guest device (sdb, vdc), for <see cref="VmLiveChangeKind.AttachDisk"/> and <see cref="VmLiveChangeKind.DetachDisk"/>.</summary>
    public string? Target { get; init; }

    /// <summary>The disk's bus (one of <see cref="DiskBuses"/>; none: libvirt's choice by the device name), for <see cref="VmLiveChangeKind.AttachDisk"/>.</summary>
    public string? Bus { get; init; }

    /// <summary>The Ceph monitors of an attached disk, comma-separated, each a host name or IP address with an optional port after a space (<c>10.0.0.1 6789,mon2</c>).</summary>
    public string? Monitors { get; init; }

    /// <summary>The cephx user of an attached disk (with <see cref="CephSecret"/>), or none.</summary>
    public string? CephUser { get; init; }

    /// <summary>The UUID of the node's libvirt Ceph secret of an attached disk (with <see cref="CephUser"/>).</summary>
    public string? CephSecret { get; init; }

    /// <summary>The attached disk's cache mode (libvirt's driver cache), or none.</summary>
    public string? Cache { get; init; }

    /// <summary>The attached disk's discard mode (libvirt's driver discard: unmap, ignore), or none.</summary>
    public string? Discard { get; init; }

    /// <summary>The attached disk's image format (libvirt's driver type: raw, qcow2), or none.</summary>
    public string? Format { get; init; }

    /// <summary>
    /// The latest time the node may make the change (the client's wait for it ends soon after): a task that reaches
    /// the node later fails "LiveChangeExpired" and changes nothing, so a change the client no longer waits for does
    /// not reach the running VM without reaching its stored XML. Null: no deadline (tasks of older clients). The node
    /// compares no clock with it: the time allowed is this less the task's creation time (both the client's clock),
    /// and the time taken is measured on ZooKeeper's clock (the task znode's ctime to a write of the node's).
    /// </summary>
    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>The buses a disk may be on (PVC's <c>--bus</c>).</summary>
    public static IReadOnlyList<string> DiskBuses { get; } = ["scsi", "ide", "usb", "virtio", "sata"];

    /// <summary>libvirt's disk cache modes.</summary>
    public static IReadOnlyList<string> CacheModes { get; } = ["default", "none", "writethrough", "writeback", "directsync", "unsafe"];

    /// <summary>The NIC models offered (PVC's <c>--model</c>, virtio by default): QEMU's common emulated NICs.</summary>
    public static IReadOnlyList<string> NicModels { get; } = ["virtio", "e1000", "e1000e", "rtl8139", "vmxnet3"];

    /// <summary>The bridges a NIC may be on: a PVC network's <c>vmbr&lt;vni&gt;</c>, or PVC's upstream, cluster and storage bridges.</summary>
    [GeneratedRegex("^(vmbr[0-9]{1,8}|brupstream|brcluster|brstorage)$", RegexOptions.CultureInvariant)]
    public static partial Regex BridgePattern();

    [GeneratedRegex("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", RegexOptions.CultureInvariant)]
    private static partial Regex MacPattern();

    /// <summary>A disk's guest device: 3 to 8 lowercase letters (sdb, vdc, hdaa).</summary>
    [GeneratedRegex("^[a-z]{3,8}$", RegexOptions.CultureInvariant)]
    internal static partial Regex TargetPattern();

    /// <summary>The task's arguments.</summary>
    public JsonObject ToArguments()
    {
        var o = new JsonObject { ["vm"] = Vm.ToString(), ["change"] = KindText(Kind) };
        if (Mac is not null)
            o["mac"] = Mac;
        if (Bridge is not null)
            o["bridge"] = Bridge;
        if (Model is not null)
            o["model"] = Model;
        if (Vcpus is { } v)
            o["vcpus"] = v;
        if (MemoryMiB is { } m)
            o["memory_mib"] = m;
        if (Volume is not null)
            o["volume"] = Volume;
        if (Target is not null)
            o["target"] = Target;
        if (Bus is not null)
            o["bus"] = Bus;
        if (Monitors is not null)
            o["monitors"] = Monitors;
        if (CephUser is not null)
            o["ceph_user"] = CephUser;
        if (CephSecret is not null)
            o["ceph_secret"] = CephSecret;
        if (Cache is not null)
            o["cache"] = Cache;
        if (Discard is not null)
            o["discard"] = Discard;
        if (Format is not null)
            o["format"] = Format;
        if (NotAfter is { } t)
            o["not_after"] = t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        return o;
    }

    /// <summary>Reads and checks a task's arguments.</summary>
    /// <exception cref="PvcException">InvalidData "TaskRecordInvalid": a value missing or not what <see cref="Validate"/> allows.</exception>
    public static VmLiveChange FromArguments(JsonObject arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        try
        {
            var kind = (string?)arguments["change"] switch
            {
                "attach_nic" => VmLiveChangeKind.AttachNic,
                "detach_nic" => VmLiveChangeKind.DetachNic,
                "set_vcpus" => VmLiveChangeKind.SetVcpus,
                "set_memory" => VmLiveChangeKind.SetMemory,
                "attach_disk" => VmLiveChangeKind.AttachDisk,
                "detach_disk" => VmLiveChangeKind.DetachDisk,
                var other => throw Invalid($"the change '{other}' is none of attach_nic, detach_nic, set_vcpus, set_memory, attach_disk, detach_disk"),
            };
            var change = new VmLiveChange
            {
                Kind = kind,
                Vm = Guid.TryParse((string?)arguments["vm"], out var uuid) ? uuid : throw Invalid("no VM UUID"),
                Mac = (string?)arguments["mac"],
                Bridge = (string?)arguments["bridge"],
                Model = (string?)arguments["model"],
                Vcpus = (int?)arguments["vcpus"],
                MemoryMiB = (long?)arguments["memory_mib"],
                Volume = (string?)arguments["volume"],
                Target = (string?)arguments["target"],
                Bus = (string?)arguments["bus"],
                Monitors = (string?)arguments["monitors"],
                CephUser = (string?)arguments["ceph_user"],
                CephSecret = (string?)arguments["ceph_secret"],
                Cache = (string?)arguments["cache"],
                Discard = (string?)arguments["discard"],
                Format = (string?)arguments["format"],
                NotAfter = (string?)arguments["not_after"] is { } notAfter
                    ? DateTimeOffset.Parse(notAfter, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : null,
            };
            change.Validate();
            return change;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            throw Invalid(e.Message);
        }
    }

    /// <summary>Throws unless the values this kind needs are there and well formed.</summary>
    /// <exception cref="ArgumentException">A value missing or malformed.</exception>
    public void Validate()
    {
        switch (Kind)
        {
            case VmLiveChangeKind.AttachNic:
                RequireMac();
                if (Bridge is null || !BridgePattern().IsMatch(Bridge))
                    throw new ArgumentException($"'{Bridge}' is not a bridge a VM's NIC may be on.");
                if (Model is null || !NicModels.Contains(Model, StringComparer.Ordinal))
                    throw new ArgumentException($"'{Model}' is not one of the NIC models {string.Join(", ", NicModels)}.");
                break;
            case VmLiveChangeKind.DetachNic:
                RequireMac();
                if (Bridge is null || !BridgePattern().IsMatch(Bridge))
                    throw new ArgumentException($"'{Bridge}' is not a bridge a VM's NIC may be on.");
                if (Model is not null && !NicModels.Contains(Model, StringComparer.Ordinal))
                    throw new ArgumentException($"'{Model}' is not one of the NIC models {string.Join(", ", NicModels)}.");
                break;
            case VmLiveChangeKind.AttachDisk:
                RequireDisk();
                if (Bus is not null && !DiskBuses.Contains(Bus, StringComparer.Ordinal))
                    throw new ArgumentException($"'{Bus}' is not one of the disk buses {string.Join(", ", DiskBuses)}.");
                if (Cache is not null && !CacheModes.Contains(Cache, StringComparer.Ordinal))
                    throw new ArgumentException($"'{Cache}' is not one of libvirt's cache modes {string.Join(", ", CacheModes)}.");
                if (Discard is not (null or "unmap" or "ignore"))
                    throw new ArgumentException($"'{Discard}' is not one of libvirt's discard modes unmap, ignore.");
                if (Format is not (null or "raw" or "qcow2"))
                    throw new ArgumentException($"'{Format}' is not an RBD image format (raw, qcow2).");
                if (ParseMonitors(Monitors) is not { Count: > 0 })
                    throw new ArgumentException($"'{Monitors}' is not a list of Ceph monitors (host or address, with an optional port after a space).");
                if ((CephUser is null) != (CephSecret is null)
                    || (CephUser is not null && (!RbdDiskSource.IsCephUser(CephUser) || !Guid.TryParse(CephSecret, out _))))
                    throw new ArgumentException($"'{CephUser}' with the secret '{CephSecret}' is not a cephx user with a libvirt secret UUID.");
                break;
            case VmLiveChangeKind.DetachDisk:
                RequireDisk();
                break;
            case VmLiveChangeKind.SetVcpus:
                if (Vcpus is not (>= 1 and <= 4096))
                    throw new ArgumentException($"{Vcpus} is not a vCPU count of 1 to 4096.");
                break;
            case VmLiveChangeKind.SetMemory:
                if (MemoryMiB is not (>= 1 and <= 1L << 32))
                    throw new ArgumentException($"{MemoryMiB} is not a memory size in MiB.");
                break;
            default:
                throw new ArgumentException($"Unknown change {Kind}.");
        }
    }

    /// <summary>The device element libvirt attaches or detaches (an interface), built from the checked values only.</summary>
    public string DeviceXml() => Kind switch
    {
        VmLiveChangeKind.AttachNic => NicXml(Mac!, Bridge!, Model!),
        VmLiveChangeKind.DetachNic => $"<interface type='bridge'><mac address='{SecurityElement.Escape(Mac)}'/><source bridge='{SecurityElement.Escape(Bridge)}'/></interface>",
        VmLiveChangeKind.AttachDisk => DiskXml(),
        VmLiveChangeKind.DetachDisk => $"<disk type='network' device='disk'><source protocol='rbd' name='{SecurityElement.Escape(Volume)}'/><target dev='{SecurityElement.Escape(Target)}'/></disk>",
        _ => throw new InvalidOperationException($"A {Kind} change has no device."),
    };

    /// <summary>
    /// The change that undoes this one on the running VM (a NIC or disk attached is detached, and the other way round),
    /// or null when this one does not say enough to undo it (a detach that does not carry the device's attach values).
    /// </summary>
    public VmLiveChange? Inverse()
    {
        VmLiveChange? undo = Kind switch
        {
            VmLiveChangeKind.AttachNic => this with { Kind = VmLiveChangeKind.DetachNic, NotAfter = null },
            VmLiveChangeKind.DetachNic => this with { Kind = VmLiveChangeKind.AttachNic, NotAfter = null },
            VmLiveChangeKind.AttachDisk => this with { Kind = VmLiveChangeKind.DetachDisk, NotAfter = null },
            VmLiveChangeKind.DetachDisk => this with { Kind = VmLiveChangeKind.AttachDisk, NotAfter = null },
            _ => null,
        };
        try
        {
            undo?.Validate();
            return undo;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>An RBD disk as the stored disk it was copied from has it (driver, auth, the monitors, target), from the checked values only.</summary>
    private string DiskXml()
    {
        var xml = new StringBuilder("<disk type='network' device='disk'><driver name='qemu'");
        if (Format is not null)
            xml.Append(CultureInfo.InvariantCulture, $" type='{SecurityElement.Escape(Format)}'");
        if (Discard is not null)
            xml.Append(CultureInfo.InvariantCulture, $" discard='{SecurityElement.Escape(Discard)}'");
        if (Cache is not null)
            xml.Append(CultureInfo.InvariantCulture, $" cache='{SecurityElement.Escape(Cache)}'");
        xml.Append("/>");
        if (CephUser is not null)
            xml.Append(CultureInfo.InvariantCulture, $"<auth username='{SecurityElement.Escape(CephUser)}'><secret type='ceph' uuid='{SecurityElement.Escape(CephSecret)}'/></auth>");
        xml.Append(CultureInfo.InvariantCulture, $"<source protocol='rbd' name='{SecurityElement.Escape(Volume)}'>");
        foreach (var (host, port) in ParseMonitors(Monitors)!)
            xml.Append(CultureInfo.InvariantCulture, $"<host name='{SecurityElement.Escape(host)}'{(port is null ? "" : $" port='{port}'")}/>");
        xml.Append(CultureInfo.InvariantCulture, $"</source><target dev='{SecurityElement.Escape(Target)}'{(Bus is null ? "" : $" bus='{SecurityElement.Escape(Bus)}'")}/></disk>");
        return xml.ToString();
    }

    /// <summary>The monitors of <see cref="Monitors"/>, or null when one is not a host name or address with a port of 1 to 65535.</summary>
    private static List<(string Host, int? Port)>? ParseMonitors(string? monitors)
    {
        if (string.IsNullOrEmpty(monitors))
            return null;
        var list = new List<(string, int?)>();
        foreach (var entry in monitors.Split(','))
        {
            var parts = entry.Split(' ');
            if (parts.Length > 2 || !(RbdDiskSource.IsIpAddress(parts[0]) || RbdDiskSource.IsHostName(parts[0])))
                return null;
            int? port = null;
            if (parts.Length == 2)
            {
                if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
                    return null;
                port = p;
            }
            list.Add((parts[0], port));
        }
        return list;
    }

    private void RequireDisk()
    {
        var slash = Volume?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (Volume is null || slash < 0 || !Storage.PoolName.IsValid(Volume[..slash]) || !Storage.VolumeName.IsValid(Volume[(slash + 1)..]))
            throw new ArgumentException($"'{Volume}' is not an RBD volume as pool/volume.");
        if (Target is null || !TargetPattern().IsMatch(Target))
            throw new ArgumentException($"'{Target}' is not a guest disk device such as sdb or vdc.");
    }

    /// <summary>A bridged NIC as PVC writes it (<c>vm network add</c>): type bridge, its MAC, its bridge, its model.</summary>
    public static string NicXml(string mac, string bridge, string model) =>
        $"<interface type='bridge'><mac address='{SecurityElement.Escape(mac)}'/><source bridge='{SecurityElement.Escape(bridge)}'/><model type='{SecurityElement.Escape(model)}'/></interface>";

    /// <summary>What it does, for messages.</summary>
    public string Describe() => Kind switch
    {
        VmLiveChangeKind.AttachNic => $"attach a {Model} NIC {Mac} on {Bridge}",
        VmLiveChangeKind.DetachNic => $"detach the NIC {Mac}",
        VmLiveChangeKind.SetVcpus => string.Create(CultureInfo.InvariantCulture, $"set {Vcpus} vCPUs"),
        VmLiveChangeKind.AttachDisk => $"attach the volume {Volume} as {Target}",
        VmLiveChangeKind.DetachDisk => $"detach the volume {Volume} ({Target})",
        _ => string.Create(CultureInfo.InvariantCulture, $"set the memory to {MemoryMiB} MiB"),
    };

    private void RequireMac()
    {
        if (Mac is null || !MacPattern().IsMatch(Mac))
            throw new ArgumentException($"'{Mac}' is not a lowercase MAC address.");
    }

    private static string KindText(VmLiveChangeKind kind) => kind switch
    {
        VmLiveChangeKind.AttachNic => "attach_nic",
        VmLiveChangeKind.DetachNic => "detach_nic",
        VmLiveChangeKind.SetVcpus => "set_vcpus",
        VmLiveChangeKind.AttachDisk => "attach_disk",
        VmLiveChangeKind.DetachDisk => "detach_disk",
        _ => "set_memory",
    };

    private static PvcException Invalid(string why) =>
        new(PvcErrorKind.InvalidData, PvcErrorIds.TaskRecordInvalid, $"The {Tasks.ClusterTaskKinds.VmLiveChange} task's arguments are not valid: {why}.");
}
