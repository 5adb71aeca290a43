namespace Pvc.Core.Placement;

/// <summary>One recommended move: a VM to another node, and what it improves.</summary>
/// <param name="Vm">The VM's UUID.</param>
/// <param name="VmName">The VM's name.</param>
/// <param name="From">Its node now.</param>
/// <param name="To">The node to move it to.</param>
/// <param name="Improvement">How much lower the cluster's score is after this move (and the moves before it).</param>
/// <param name="ScoreAfter">The cluster's score after this move (<see cref="RebalancePlanner"/> says what it counts).</param>
public sealed record PlacementMove(Guid Vm, string VmName, string From, string To, double Improvement, double ScoreAfter)
{
    /// <summary>The placement rules the move mends or keeps, in words; empty when it only evens out resources.</summary>
    public IReadOnlyList<string> Rules { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => $"{VmName}: {From} -> {To} (score -{Improvement:0.0000})";
}
