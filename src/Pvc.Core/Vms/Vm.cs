using Pvc.Core.Schema;

namespace Pvc.Core.Vms;

/// <summary>A VM as the cluster records it: its state and placement, PVC's metadata, and what its XML says.</summary>
public sealed record Vm
{
    /// <summary>The UUID (the key of <c>/domains/&lt;uuid&gt;</c>).</summary>
    public required Guid Uuid { get; init; }
    /// <summary>The name.</summary>
    public required string Name { get; init; }
    /// <summary>The state.</summary>
    public VmState State { get; init; }
    /// <summary>The node it runs (or should run) on.</summary>
    public string? Node { get; init; }
    /// <summary>The node to return to after a temporary migration; null when the placement is permanent.</summary>
    public string? LastNode { get; init; }
    /// <summary>Why it failed, when <see cref="State"/> is Fail.</summary>
    public string? FailedReason { get; init; }
    /// <summary>The provisioner profile it came from.</summary>
    public string? Profile { get; init; }
    /// <summary>The XML's description.</summary>
    public string? Description { get; init; }
    /// <summary>vCPUs (0 when the XML cannot be read).</summary>
    public int Vcpus { get; init; }
    /// <summary>The vCPU topology (sockets, cores, threads), when its XML gives one.</summary>
    public VcpuTopology? Topology { get; init; }
    /// <summary>Memory, MiB (0 when the XML cannot be read).</summary>
    public long MemoryMiB { get; init; }
    /// <summary>Disks.</summary>
    public IReadOnlyList<VmDisk> Disks { get; init; } = [];
    /// <summary>Network interfaces.</summary>
    public IReadOnlyList<VmNic> Nics { get; init; } = [];
    /// <summary>Tags.</summary>
    public IReadOnlyList<VmTag> Tags { get; init; } = [];
    /// <summary>The nodes it may run on; empty for any.</summary>
    public IReadOnlyList<string> NodeLimit { get; init; } = [];
    /// <summary>How its target node is chosen.</summary>
    public NodeSelector NodeSelector { get; init; }
    /// <summary>Start it again on its node when that node returns (set when a flush found no target).</summary>
    public bool Autostart { get; init; }
    /// <summary>How it migrates.</summary>
    public MigrationMethod MigrationMethod { get; init; }
    /// <summary>Maximum downtime of a live migration, milliseconds.</summary>
    public int MigrationMaxDowntime { get; init; } = 300;
    /// <summary>Its node's last statistics while running.</summary>
    public VmStats? Stats { get; init; }
    /// <summary>Snapshot names.</summary>
    public IReadOnlyList<string> Snapshots { get; init; } = [];
    /// <summary>"listen:port" of its VNC console, when it has one.</summary>
    public string? Vnc { get; init; }
    /// <summary>The libvirt domain XML.</summary>
    public string Xml { get; init; } = "";
    /// <summary>Why the XML could not be read, when it could not; PVC's own listing drops such VMs.</summary>
    public string? XmlError { get; init; }

    /// <summary>True when it is away from its home node on a temporary migration.</summary>
    public bool IsMigrated => LastNode is not null;
}
