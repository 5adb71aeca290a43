namespace Pvc.Core.Placement;

/// <summary>What the placement rules say of a VM on one node.</summary>
/// <param name="HardRule">The first hard rule it would break, or null.</param>
/// <param name="SoftBreaks">How many soft rules it would break.</param>
public readonly record struct PlacementVerdict(PlacementRule? HardRule, int SoftBreaks)
{
    /// <summary>Nothing broken.</summary>
    public static PlacementVerdict Clean => default;
}
