using Pvc.Core.Schema;

namespace Pvc.Core.Vms;

/// <summary>A new VM: its libvirt XML and PVC's metadata (the options of <c>pvc vm define</c>).</summary>
public sealed record VmDefinition
{
    /// <summary>The libvirt domain XML (must carry a name and a UUID).</summary>
    public required string Xml { get; init; }
    /// <summary>The node; null chooses one by the selector within the node limit.</summary>
    public string? TargetNode { get; init; }
    /// <summary>The nodes it may run on; empty for any.</summary>
    public IReadOnlyList<string> NodeLimit { get; init; } = [];
    /// <summary>Its target selector.</summary>
    public NodeSelector NodeSelector { get; init; }
    /// <summary>PVC's node_autostart flag.</summary>
    public bool Autostart { get; init; }
    /// <summary>Its migration method.</summary>
    public MigrationMethod MigrationMethod { get; init; }
    /// <summary>Maximum live-migration downtime, ms.</summary>
    public int MigrationMaxDowntime { get; init; } = 300;
    /// <summary>The provisioner profile, if any.</summary>
    public string? Profile { get; init; }
    /// <summary>Tags: name and whether protected.</summary>
    public IReadOnlyList<(string Name, bool Protected)> Tags { get; init; } = [];
    /// <summary>The state it is defined in (PVC: stop; the provisioner: provision).</summary>
    public VmState InitialState { get; init; } = VmState.Stop;
}
