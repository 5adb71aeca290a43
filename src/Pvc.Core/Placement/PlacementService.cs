using Pvc.Core.Connection;
using Pvc.Core.Nodes;
using Pvc.Core.Reading;
using Pvc.Core.Schema;

namespace Pvc.Core.Placement;

/// <summary>
/// Where VMs can go: the nodes and the cluster's default target selector (<c>/config/migration_target_selector</c>),
/// read together once per decision. Define, migrate, the flush plan and fence recovery all decide from one
/// <see cref="PlacementView"/>.
/// </summary>
public sealed class PlacementService(ClusterConnection cluster)
{
    /// <summary>Reads every node and the cluster's selector (the reads of a node listing, the selector among them).</summary>
    public async Task<PlacementView> ReadAsync(CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        var (nodes, selector) = await NodeReader.ListWithAsync(cluster.ZooKeeper, BaseKeys.MigrationTargetSelector, cancellationToken, counter);
        return new PlacementView(nodes, Wire.NodeSelector.Decode(selector));
    }
}
