namespace Pvc.Core.Tasks;

/// <summary>Where a cluster task is, as PVC's task API reports a Celery task (PENDING, RUNNING, SUCCESS, FAILURE).</summary>
public enum ClusterTaskState
{
    /// <summary>Recorded and routed to a node, not yet claimed by its runner.</summary>
    Pending,
    /// <summary>Claimed by the runner of the node it is routed to, which runs its handler.</summary>
    Running,
    /// <summary>Its handler finished; <see cref="ClusterTask.Result"/> holds what it returned.</summary>
    Success,
    /// <summary>Its handler failed, was refused, or its node died or restarted while it ran; <see cref="ClusterTask.Error"/> says why.</summary>
    Failure,
}
