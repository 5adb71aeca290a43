using System.Globalization;
using System.Security;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pvc.Core.Errors;

namespace Pvc.Core.Vms;

/// <summary>
/// One change of a running VM that its node makes through libvirt (a <see cref="Tasks.ClusterTaskKinds.VmLiveChange"/>
/// task's arguments): a bridged NIC attached or detached, the vCPU count or the memory set. The node reads it back
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

    /// <summary>The NIC models offered (PVC's <c>--model</c>, virtio by default): QEMU's common emulated NICs.</summary>
    public static IReadOnlyList<string> NicModels { get; } = ["virtio", "e1000", "e1000e", "rtl8139", "vmxnet3"];

    /// <summary>The bridges a NIC may be on: a PVC network's <c>vmbr&lt;vni&gt;</c>, or PVC's upstream, cluster and storage bridges.</summary>
    [GeneratedRegex("^(vmbr[0-9]{1,8}|brupstream|brcluster|brstorage)$", RegexOptions.CultureInvariant)]
    public static partial Regex BridgePattern();

    [GeneratedRegex("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", RegexOptions.CultureInvariant)]
    private static partial Regex MacPattern();

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
                var other => throw Invalid($"the change '{other}' is none of attach_nic, detach_nic, set_vcpus, set_memory"),
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
        _ => throw new InvalidOperationException($"A {Kind} change has no device."),
    };

    /// <summary>A bridged NIC as PVC writes it (<c>vm network add</c>): type bridge, its MAC, its bridge, its model.</summary>
    public static string NicXml(string mac, string bridge, string model) =>
        $"<interface type='bridge'><mac address='{SecurityElement.Escape(mac)}'/><source bridge='{SecurityElement.Escape(bridge)}'/><model type='{SecurityElement.Escape(model)}'/></interface>";

    /// <summary>What it does, for messages.</summary>
    public string Describe() => Kind switch
    {
        VmLiveChangeKind.AttachNic => $"attach a {Model} NIC {Mac} on {Bridge}",
        VmLiveChangeKind.DetachNic => $"detach the NIC {Mac}",
        VmLiveChangeKind.SetVcpus => string.Create(CultureInfo.InvariantCulture, $"set {Vcpus} vCPUs"),
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
        _ => "set_memory",
    };

    private static PvcException Invalid(string why) =>
        new(PvcErrorKind.InvalidData, PvcErrorIds.TaskRecordInvalid, $"The {Tasks.ClusterTaskKinds.VmLiveChange} task's arguments are not valid: {why}.");
}
