namespace Pvc.Core.Nodes;

/// <summary>What a node is using, as its last keepalive reported it: CPU load, memory, vCPUs and interface traffic (rates).</summary>
public sealed record NodeStat
{
    /// <summary>The node.</summary>
    public required string Name { get; init; }
    /// <summary>When the keepalive was written.</summary>
    public DateTimeOffset? Keepalive { get; init; }
    /// <summary>Host CPUs.</summary>
    public int? CpuCount { get; init; }
    /// <summary>One-minute load average.</summary>
    public double? CpuLoad { get; init; }
    /// <summary>Load per CPU in percent (load average / CPUs × 100).</summary>
    public double? LoadPercent => CpuLoad is { } load && CpuCount is { } cpus && cpus > 0 ? Math.Round(load / cpus * 100, 1) : null;
    /// <summary>vCPUs of the VMs running on it.</summary>
    public int VcpusAllocated { get; init; }
    /// <summary>Running VMs.</summary>
    public int VmCount { get; init; }
    /// <summary>Memory, MiB.</summary>
    public long MemoryTotalMiB { get; init; }
    /// <summary>Used memory, MiB.</summary>
    public long MemoryUsedMiB { get; init; }
    /// <summary>Free (available) memory, MiB.</summary>
    public long MemoryFreeMiB { get; init; }
    /// <summary>Memory of the VMs running on it, MiB.</summary>
    public long MemoryAllocatedMiB { get; init; }
    /// <summary>Memory of every VM assigned to it, MiB.</summary>
    public long MemoryProvisionedMiB { get; init; }
    /// <summary>Physical interfaces' traffic over the last keepalive interval.</summary>
    public IReadOnlyList<NodeInterfaceStats> Interfaces { get; init; } = [];
    /// <summary>Bits a second received, all physical interfaces.</summary>
    public long ReceiveBitsPerSecond => Interfaces.Sum(i => i.ReceiveBitsPerSecond);
    /// <summary>Bits a second sent, all physical interfaces.</summary>
    public long SendBitsPerSecond => Interfaces.Sum(i => i.SendBitsPerSecond);
}
