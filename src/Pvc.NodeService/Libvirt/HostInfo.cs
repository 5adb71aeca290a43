namespace Pvc.NodeService.Libvirt;

/// <summary>The hypervisor host as libvirt sees it (<c>virConnectGetHostname</c> and <c>virNodeGetInfo</c>).</summary>
/// <param name="Hostname">The host's name as libvirt reports it.</param>
/// <param name="CpuModel">The CPU model string (for example <c>x86_64</c>).</param>
/// <param name="Cpus">Active logical CPUs.</param>
/// <param name="CpuMhz">CPU frequency in MHz.</param>
/// <param name="NumaNodes">NUMA cells.</param>
/// <param name="Sockets">CPU sockets per NUMA cell.</param>
/// <param name="CoresPerSocket">Cores per socket.</param>
/// <param name="ThreadsPerCore">Threads per core.</param>
/// <param name="MemoryKiB">Memory size in KiB.</param>
public sealed record HostInfo(
    string Hostname,
    string CpuModel,
    int Cpus,
    int CpuMhz,
    int NumaNodes,
    int Sockets,
    int CoresPerSocket,
    int ThreadsPerCore,
    ulong MemoryKiB)
{
    /// <summary>Memory size in MiB.</summary>
    public ulong MemoryMiB => MemoryKiB / 1024;
}
