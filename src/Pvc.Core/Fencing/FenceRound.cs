namespace Pvc.Core.Fencing;

/// <summary>One round of the fence monitor's reads.</summary>
/// <param name="Maintenance">The cluster is in maintenance: nothing is fenced.</param>
/// <param name="Nodes">Every other node (empty in maintenance).</param>
public sealed record FenceRound(bool Maintenance, IReadOnlyList<NodeLiveness> Nodes);
