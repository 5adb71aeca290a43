using Pvc.Core.Errors;

namespace Pvc.Core.Placement;

/// <summary>How one move of a rebalance ended.</summary>
/// <param name="Move">The move.</param>
/// <param name="Error">Why it was not made (the VM changed since the plan, its migration was aborted, the timeout passed
/// and it is not on its target, ZooKeeper lost), or null when it was: Core's <see cref="PvcException"/>, or whatever
/// else went wrong in that move (the run's other moves are still reported).</param>
public sealed record RebalanceOutcome(PlacementMove Move, Exception? Error)
{
    /// <summary>True when the VM runs on the move's target.</summary>
    public bool Moved => Error is null;
}
