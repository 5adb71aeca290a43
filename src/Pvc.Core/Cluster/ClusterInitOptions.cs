using Pvc.Core.Vms;

namespace Pvc.Core.Cluster;

/// <summary>What <see cref="ClusterInitializer.InitializeAsync"/> writes, and whether it may replace an existing cluster.</summary>
public sealed record ClusterInitOptions
{
    /// <summary>The cluster's name, the data of <c>/config</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The cluster's default target selector (<c>/config/migration_target_selector</c>); mem unless given.</summary>
    public NodeSelector MigrationTargetSelector { get; init; } = NodeSelector.Mem;

    /// <summary>
    /// Delete the existing PVC tree (the subtrees of the base keys) and initialise afresh. Everything of the
    /// old cluster is lost. Without it, initialising a ZooKeeper that holds PVC data is refused.
    /// </summary>
    public bool Overwrite { get; init; }
}
