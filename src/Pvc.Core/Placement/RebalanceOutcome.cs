using Pvc.Core.Errors;

namespace Pvc.Core.Placement;

/// <summary>How one move of a rebalance ended.</summary>
/// <param name="Move">The move.</param>
/// <param name="Error">Why it was not made (the VM changed since the plan, its migration was aborted, the wait timed out), or null when it was.</param>
public sealed record RebalanceOutcome(PlacementMove Move, PvcException? Error)
{
    /// <summary>True when the VM runs on the move's target.</summary>
    public bool Moved => Error is null;
}
