namespace Pvc.Core.Placement;

/// <summary>A rebalance plan: the moves in order, and the cluster's score before and after them.</summary>
/// <param name="Moves">The moves, each VM at most once, in the order they were found.</param>
/// <param name="ScoreBefore">The score of the cluster as read.</param>
/// <param name="ScoreAfter">The score once every move is made.</param>
public sealed record RebalancePlan(IReadOnlyList<PlacementMove> Moves, double ScoreBefore, double ScoreAfter);
