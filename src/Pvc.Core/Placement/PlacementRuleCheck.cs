namespace Pvc.Core.Placement;

/// <summary>The placement rules a target must be judged by: one VM against the rules' occupancy.</summary>
/// <param name="Occupancy">Where the rules' VMs are.</param>
/// <param name="Vm">The VM being placed.</param>
public sealed record PlacementRuleCheck(PlacementOccupancy Occupancy, Guid Vm)
{
    /// <summary>What the rules say of the VM on a node.</summary>
    public PlacementVerdict Judge(string node) => Occupancy.Judge(Vm, node);
}
