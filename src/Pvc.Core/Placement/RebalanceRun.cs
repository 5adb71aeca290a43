namespace Pvc.Core.Placement;

/// <summary>What a rebalance did (<see cref="Vms.VmOperations.RebalanceAsync"/>).</summary>
/// <param name="Outcomes">The moves started, each with how it ended, in the order they ended.</param>
/// <param name="NotStarted">The moves not started: the stop was asked for, or the timeout passed, before their turn.</param>
public sealed record RebalanceRun(IReadOnlyList<RebalanceOutcome> Outcomes, int NotStarted);
