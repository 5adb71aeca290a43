namespace Pvc.Core.Storage;

/// <summary>What the primary writes about Ceph each keepalive (PVC's keepalive Ceph thread): <see cref="StorageHostOperations.WriteStatsAsync"/>.</summary>
public sealed record CephStatsReport
{
    /// <summary><c>ceph status</c> as printed for a person, for <c>/ceph</c>.</summary>
    public required string StatusText { get; init; }
    /// <summary><c>ceph health --format json</c>, for <c>/ceph/health</c>.</summary>
    public required string HealthJson { get; init; }
    /// <summary><c>ceph df</c> as printed for a person, for <c>/ceph/util</c>.</summary>
    public required string UsageText { get; init; }
    /// <summary>Every pool's figures; those of pools the cluster records are written.</summary>
    public IReadOnlyList<PoolStatsSample> Pools { get; init; } = [];
    /// <summary>Every OSD's figures; those of OSDs the cluster records are written.</summary>
    public IReadOnlyList<OsdStatsSample> Osds { get; init; } = [];
}
