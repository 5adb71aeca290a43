using Pvc.Core.Schema;

namespace Pvc.Core.Storage;

/// <summary>A Ceph RBD pool as the cluster records it (<c>/ceph/pools/&lt;name&gt;</c>).</summary>
public sealed record Pool
{
    /// <summary>The pool's name.</summary>
    public required string Name { get; init; }
    /// <summary>Placement groups, or null when unset or unreadable.</summary>
    public int? Pgs { get; init; }
    /// <summary>The device class its data is placed on.</summary>
    public PoolTier Tier { get; init; }
    /// <summary>How many volumes the cluster records in it.</summary>
    public int VolumeCount { get; init; }
    /// <summary>The last reported statistics, or null when absent or unreadable.</summary>
    public PoolStats? Stats { get; init; }
}
