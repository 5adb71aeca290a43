namespace Pvc.NodeService.Libvirt;

/// <summary>The statistics groups of <c>virConnectGetAllDomainStats</c> (virDomainStatsTypes).</summary>
[Flags]
public enum DomainStatsGroups : uint
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>VIR_DOMAIN_STATS_STATE.</summary>
    State = 1,
    /// <summary>VIR_DOMAIN_STATS_CPU_TOTAL.</summary>
    CpuTotal = 2,
    /// <summary>VIR_DOMAIN_STATS_BALLOON.</summary>
    Balloon = 4,
    /// <summary>VIR_DOMAIN_STATS_VCPU.</summary>
    Vcpu = 8,
    /// <summary>VIR_DOMAIN_STATS_INTERFACE.</summary>
    Interface = 16,
    /// <summary>VIR_DOMAIN_STATS_BLOCK.</summary>
    Block = 32,
}
