using Pvc.Core.Schema;

namespace Pvc.Core.Placement;

/// <summary>What a target node must satisfy.</summary>
/// <param name="CurrentNode">The VM's node now (never a target).</param>
/// <param name="NodeLimit">The nodes the VM may run on; empty for any.</param>
/// <param name="Selector">The VM's selector; Default uses <paramref name="ClusterDefault"/>.</param>
/// <param name="ClusterDefault">The cluster's selector (<c>/config/migration_target_selector</c>).</param>
public sealed record PlacementRequest(string? CurrentNode, IReadOnlyList<string> NodeLimit, NodeSelector Selector, NodeSelector ClusterDefault)
{
    /// <summary>The selector that applies: the VM's, else the cluster's, else memory (PVC would pick nothing).</summary>
    public NodeSelector Effective => Selector != NodeSelector.Default ? Selector : ClusterDefault != NodeSelector.Default ? ClusterDefault : NodeSelector.Mem;

    /// <summary>The placement rules a target is judged by; null for none.</summary>
    public PlacementRuleCheck? Rules { get; init; }
}
