namespace Pvc.Core.Placement;

/// <summary>The chosen node, or why no node qualifies (one reason per node considered).</summary>
/// <param name="Target">The chosen node, or null.</param>
/// <param name="Rejections">Per rejected node, why.</param>
public sealed record PlacementResult(string? Target, IReadOnlyList<string> Rejections)
{
    /// <summary>A sentence for an error message when no node qualifies.</summary>
    public string Explanation => Rejections.Count == 0 ? "the cluster has no nodes" : string.Join("; ", Rejections);

    /// <summary>The hard rules that turned away a node that would otherwise qualify (empty when none did).</summary>
    public IReadOnlyList<PlacementRule> BlockingRules { get; init; } = [];

    /// <summary>The soft rules the chosen node breaks (0 when it breaks none).</summary>
    public int SoftBreaks { get; init; }

    /// <summary>The hard rules the chosen node breaks because no node met them (<see cref="PlacementPlanner.PlaceOverridingRules"/> only).</summary>
    public IReadOnlyList<PlacementRule> OverriddenRules { get; init; } = [];
}
