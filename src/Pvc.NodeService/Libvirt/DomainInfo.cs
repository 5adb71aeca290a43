namespace Pvc.NodeService.Libvirt;

/// <summary>A domain's resource figures (<c>virDomainGetInfo</c>).</summary>
/// <param name="State">Its state.</param>
/// <param name="MaxMemoryKiB">Maximum memory in KiB.</param>
/// <param name="MemoryKiB">Memory in use in KiB.</param>
/// <param name="VirtualCpus">Number of virtual CPUs.</param>
/// <param name="CpuTime">CPU time used.</param>
public sealed record DomainInfo(DomainState State, ulong MaxMemoryKiB, ulong MemoryKiB, int VirtualCpus, TimeSpan CpuTime);
