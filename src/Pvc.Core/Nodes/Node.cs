using Pvc.Core.Schema;

namespace Pvc.Core.Nodes;

/// <summary>A hypervisor node as the cluster records it. The IPMI password is never read.</summary>
public sealed record Node
{
    /// <summary>The node's host name.</summary>
    public required string Name { get; init; }
    /// <summary>Coordinator or hypervisor.</summary>
    public NodeMode Mode { get; init; }
    /// <summary>The node service's state.</summary>
    public NodeDaemonState DaemonState { get; init; }
    /// <summary>The coordinator (router) state.</summary>
    public CoordinatorState CoordinatorState { get; init; }
    /// <summary>Whether it takes VMs.</summary>
    public NodeDomainState DomainState { get; init; }
    /// <summary>The last keepalive.</summary>
    public DateTimeOffset? Keepalive { get; init; }
    /// <summary>The node service's version.</summary>
    public string? PvcVersion { get; init; }
    /// <summary>CPU count, from the static data.</summary>
    public int? CpuCount { get; init; }
    /// <summary>Kernel release.</summary>
    public string? Kernel { get; init; }
    /// <summary>Operating system.</summary>
    public string? OperatingSystem { get; init; }
    /// <summary>Architecture.</summary>
    public string? Architecture { get; init; }
    /// <summary>The VMs running on it.</summary>
    public IReadOnlyList<Guid> RunningVms { get; init; } = [];
    /// <summary>Number of running VMs, as the keepalive reports it.</summary>
    public int VmCount { get; init; }
    /// <summary>One-minute load average.</summary>
    public double? CpuLoad { get; init; }
    /// <summary>vCPUs of the VMs running on it.</summary>
    public int VcpusAllocated { get; init; }
    /// <summary>Total memory, MiB.</summary>
    public long MemoryTotalMiB { get; init; }
    /// <summary>Used memory, MiB.</summary>
    public long MemoryUsedMiB { get; init; }
    /// <summary>Free (available) memory, MiB.</summary>
    public long MemoryFreeMiB { get; init; }
    /// <summary>Memory of the VMs running on it, MiB.</summary>
    public long MemoryAllocatedMiB { get; init; }
    /// <summary>Memory of every VM assigned to it (running or not), MiB.</summary>
    public long MemoryProvisionedMiB { get; init; }
    /// <summary>Health 0-100 from the monitoring plugins; null when not reported.</summary>
    public int? Health { get; init; }
    /// <summary>The health plugins loaded on it and their last results (what took its health down), by name as loaded.</summary>
    public IReadOnlyList<NodeHealthPlugin> HealthPlugins { get; init; } = [];
    /// <summary>The BMC's host name (the password is not read).</summary>
    public string? IpmiHostname { get; init; }
    /// <summary>The BMC's user name.</summary>
    public string? IpmiUsername { get; init; }

    /// <summary>True when the node takes VMs: its service runs and it is ready.</summary>
    public bool IsAvailable => DaemonState == NodeDaemonState.Run && DomainState == NodeDomainState.Ready;
}
