using Pvc.Core.Nodes;
using Pvc.Core.Schema;

namespace Pvc.Core.Placement;

/// <summary>The nodes and the cluster's default selector as read at one moment: what a placement decides from.</summary>
/// <param name="Nodes">Every node, sorted by name.</param>
/// <param name="ClusterDefault">The cluster's selector; <see cref="NodeSelector.Default"/> when it has none.</param>
public sealed record PlacementView(IReadOnlyList<Node> Nodes, NodeSelector ClusterDefault)
{
    /// <summary>Chooses a target for one VM (see <see cref="TargetNodeSelector"/>).</summary>
    /// <param name="currentNode">The VM's node now (never a target), or null for a new VM.</param>
    /// <param name="nodeLimit">The nodes the VM may run on; empty for any.</param>
    /// <param name="selector">The VM's selector.</param>
    /// <param name="among">The candidates, when not every node.</param>
    public PlacementResult Select(string? currentNode, IReadOnlyList<string> nodeLimit, NodeSelector selector, IEnumerable<Node>? among = null) =>
        TargetNodeSelector.Select(among ?? Nodes, Request(currentNode, nodeLimit, selector));

    /// <summary>A request against this view's cluster default.</summary>
    public PlacementRequest Request(string? currentNode, IReadOnlyList<string> nodeLimit, NodeSelector selector) =>
        new(currentNode, nodeLimit, selector, ClusterDefault);
}
