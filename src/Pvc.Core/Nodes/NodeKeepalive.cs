namespace Pvc.Core.Nodes;

/// <summary>One keepalive of a node: its resources and the cluster VMs it runs (PVC's keepalive values).</summary>
/// <param name="MemoryTotalMiB">Host memory.</param>
/// <param name="MemoryUsedMiB">Memory in use.</param>
/// <param name="MemoryFreeMiB">Memory free.</param>
/// <param name="MemoryAllocatedMiB">Memory of the VMs running here.</param>
/// <param name="MemoryProvisionedMiB">Memory of every VM assigned here, running or not.</param>
/// <param name="VcpusAllocated">vCPUs of the VMs running here.</param>
/// <param name="CpuLoad">The load average.</param>
/// <param name="DomainCount">Domains libvirt runs here.</param>
/// <param name="RunningVms">The cluster VMs running here.</param>
/// <param name="Interfaces">The physical interfaces' traffic over the interval (<c>network_stats</c>); null leaves it as it is.</param>
public sealed record NodeKeepalive(long MemoryTotalMiB, long MemoryUsedMiB, long MemoryFreeMiB, long MemoryAllocatedMiB, long MemoryProvisionedMiB,
    int VcpusAllocated, double CpuLoad, int DomainCount, IReadOnlyList<Guid> RunningVms, IReadOnlyList<NodeInterfaceStats>? Interfaces = null);
