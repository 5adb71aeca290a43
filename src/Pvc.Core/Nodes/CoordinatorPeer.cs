using Pvc.Core.Schema;

namespace Pvc.Core.Nodes;

/// <summary>Another coordinator's role and service state, as read by a node taking over.</summary>
/// <param name="Name">The node.</param>
/// <param name="Role">Its coordinator state (Unknown when it is not registered).</param>
/// <param name="Daemon">Its daemon state (Unknown when it is not registered).</param>
public readonly record struct CoordinatorPeer(string Name, CoordinatorState Role, NodeDaemonState Daemon)
{
    /// <summary>True while it holds the primary role (primary, taking over or relinquishing) and its service runs; a stopped, dead or fenced node runs no duties whatever its stale state says.</summary>
    public bool HoldsRole => Role is CoordinatorState.Primary or CoordinatorState.Takeover or CoordinatorState.Relinquish
        && Daemon is NodeDaemonState.Init or NodeDaemonState.Run or NodeDaemonState.Shutdown;
}
