using System.Text.Json.Nodes;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Tasks;

namespace Pvc.Core.Vms;

// PVC's vm flush-locks (the API's POST /vm/<vm>/locks, vm_worker_flush_locks): a cluster task on the VM's node that
// breaks every RBD lock on the VM's volumes, for a VM that no QEMU runs.
public sealed partial class VmOperations
{
    /// <summary>The arguments' key of the VM's UUID in a <see cref="ClusterTaskKinds.VmFlushLocks"/> task.</summary>
    public const string FlushLocksVmArgument = "vm";

    /// <summary>The arguments' key of PVC's <c>force_unlock</c> (true: whatever the VM's state) in a <see cref="ClusterTaskKinds.VmFlushLocks"/> task.</summary>
    public const string FlushLocksForceArgument = "force";

    /// <summary>
    /// Submits <c>vm.flush_locks</c> for a stopped VM (state stop, disable, fail or mirror, as PVC requires) to run on
    /// its node, as PVC routes it; to the primary when that node is not running (the locks are in Ceph, which every
    /// node reaches, and a task queued to a dead node would wait for it). The node checks the state again before it
    /// breaks anything.
    /// </summary>
    /// <param name="vm">The VM.</param>
    /// <param name="force">Whatever its state (PVC's <c>force_unlock</c>): a QEMU that still runs it loses its locks, and another may then open its disks.</param>
    /// <param name="cancellationToken">Cancels the submission.</param>
    /// <exception cref="PvcException">InvalidOperation: "VmNotStopped": the VM may be running, and its QEMU holds the locks.</exception>
    /// <exception cref="PvcException">NotFound: "VmNotFound".</exception>
    /// <exception cref="PvcException">The task store's refusals (<see cref="ClusterTaskStore.SubmitAsync"/>), "NoPrimaryCoordinator" among them.</exception>
    public async Task<ClusterTask> SubmitFlushLocksAsync(VmRef vm, bool force = false, CancellationToken cancellationToken = default)
    {
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.State, DomainKeys.Node);
        if (read[P(vm, DomainKeys.Root)] is null)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"The VM '{vm.Name}' does not exist.") { Target = vm.Name };
        if (!force)
            RequireLocksFlushable(vm, StateOf(read, vm));
        var arguments = new JsonObject { [FlushLocksVmArgument] = vm.Uuid.ToString(), [FlushLocksForceArgument] = force };
        var node = PvcText.Decode(read[P(vm, DomainKeys.Node)]);
        if (node is not null)
        {
            try
            {
                return await cluster.Tasks.SubmitAsync(ClusterTaskKinds.VmFlushLocks, arguments, node, cancellationToken);
            }
            catch (PvcException e) when (e.ErrorId is PvcErrorIds.NodeNotRunning or PvcErrorIds.NodeNotFound or PvcErrorIds.InvalidNodeName)
            {
                // its node is down (or gone): any other node breaks the same locks
            }
        }
        return await cluster.Tasks.SubmitAsync(ClusterTaskKinds.VmFlushLocks, arguments, null, cancellationToken);
    }

    /// <summary>
    /// Throws unless a VM in <paramref name="state"/> may have its disks' locks broken: stop, disable, fail or mirror,
    /// in which no QEMU of it runs (breaking a running QEMU's lock would let a second writer in).
    /// </summary>
    /// <exception cref="PvcException">InvalidOperation: "VmNotStopped".</exception>
    public static void RequireLocksFlushable(VmRef vm, VmState state)
    {
        ArgumentNullException.ThrowIfNull(vm);
        if (state is not (VmState.Stop or VmState.Disable or VmState.Fail or VmState.Mirror))
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VmNotStopped,
                $"The VM '{vm.Name}' is {Wire.VmState.Describe(state)}; its disks' locks are broken only while it is stopped, disabled, failed or a mirror, when no QEMU of it holds them. Stop it first, or force it if no QEMU of it runs anywhere.") { Target = vm.Name };
    }
}
