using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Tasks;

namespace Pvc.Core.Vms;

/// <summary>
/// A VM's removal marker (<see cref="TaskKeys.VmRemoval"/>): the id of its latest <c>vm.remove</c> task, written in the
/// task's own transaction, which also rewrites the VM's state key (same data) at the version read. Every start reads
/// the marker with the state key and checks the state's version in its commit, so a start either sees the marker (and
/// is refused while the task is Pending or Running) or read before the submission (and its commit fails). A finished,
/// failed or pruned task's marker refuses nothing.
/// </summary>
internal static class VmRemovalMarker
{
    /// <summary>The VM's vm.remove task the marker names, when it is Pending or Running; else null.</summary>
    public static async Task<ClusterTask?> ActiveTaskAsync(ClusterConnection cluster, string? marker, CancellationToken cancellationToken)
    {
        if (marker is null || !ClusterTaskId.IsValid(marker))
            return null;
        try
        {
            var task = await cluster.Tasks.GetAsync(marker, cancellationToken);
            return task.Kind == ClusterTaskKinds.VmRemove && task.State is ClusterTaskState.Pending or ClusterTaskState.Running ? task : null;
        }
        catch (PvcException e) when (e.ErrorId is PvcErrorIds.TaskNotFound or PvcErrorIds.TaskRecordInvalid)
        {
            return null;
        }
    }

    /// <summary>Refuses a start (or a second removal) of a VM whose marker names a Pending or Running vm.remove task.</summary>
    /// <exception cref="PvcException">InvalidOperation: "VmBeingRemoved".</exception>
    public static async Task RefuseIfActiveAsync(ClusterConnection cluster, VmRef vm, string? marker, string what, CancellationToken cancellationToken)
    {
        if (await ActiveTaskAsync(cluster, marker, cancellationToken) is { } task)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VmBeingRemoved,
                $"The VM '{vm.Name}' is being removed with its volumes (task {task.Id}, {task.State.ToString().ToLowerInvariant()}): {what}; nothing was written. Wait for the task to end.") { Target = vm.Name };
    }
}
