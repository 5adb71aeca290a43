namespace Pvc.Core.Placement;

/// <summary>The chosen node, or why no node qualifies (one reason per node considered).</summary>
/// <param name="Target">The chosen node, or null.</param>
/// <param name="Rejections">Per rejected node, why.</param>
public sealed record PlacementResult(string? Target, IReadOnlyList<string> Rejections)
{
    /// <summary>A sentence for an error message when no node qualifies.</summary>
    public string Explanation => Rejections.Count == 0 ? "the cluster has no nodes" : string.Join("; ", Rejections);
}
