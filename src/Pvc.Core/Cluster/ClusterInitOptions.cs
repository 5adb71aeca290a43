using Pvc.Core.Schema;
using Pvc.Core.Security;
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

    /// <summary>
    /// Closed (the default): every znode is readable and writable only by the initialising connection's digest user
    /// and <see cref="GrantedCredentials"/>, and the chroot's own znode is closed to others too. Open: PVC-compatible,
    /// every znode open to anyone who reaches ZooKeeper, as PVC's own tools need.
    /// </summary>
    public ClusterAccessMode Access { get; init; } = ClusterAccessMode.Closed;

    /// <summary>
    /// In a closed cluster, the other digest users given every permission besides the initialising connection's own:
    /// the node services' member credential (the one in every node's pvc.conf), other administrators.
    /// </summary>
    public IReadOnlyList<ClusterCredential> GrantedCredentials { get; init; } = [];
}
