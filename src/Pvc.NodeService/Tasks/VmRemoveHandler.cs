using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.NodeService.Ceph;

namespace Pvc.NodeService.Tasks;

/// <summary>
/// <c>vm.remove</c> (PVC's <c>vm remove</c>, remove_vm): refuses a VM one of whose volumes has a protected snapshot with
/// clones before anything changes; stops the VM (state "stop", which its node carries out) and waits until it is really
/// stopped (its node no longer lists it among its running VMs, nor this node's libvirt runs it: see
/// <see cref="VmOperations.WaitStoppedForRemovalAsync"/>), failing with "VmStopTimeout" and deleting nothing when it is
/// not in time; then removes each of its RBD volumes from Ceph with their snapshots (PVC: <c>rbd snap purge</c>,
/// <c>rbd rm</c>; a protected snapshot without clones is unprotected first), checking right before each that the VM is
/// still stopped, waiting while its QEMU still has one open; then deletes the VM's keys and its volumes' keys in one
/// transaction. No start of the VM is accepted while the task is Pending or Running (its removal marker). Not safe to
/// repeat: a person checks what is left. Its arguments: the VM's UUID and the volumes confirmed for deletion; it deletes
/// nothing when the VM's volumes differ from those. Its result: <c>{"vm": name, "volumes": ["pool/volume", ...]}</c>.
/// </summary>
public sealed class VmRemoveHandler(CephAccess ceph) : IClusterTaskHandler
{
    /// <summary>How long a volume still open (a stopping QEMU) is waited for.</summary>
    public static readonly TimeSpan BusyDeadline = TimeSpan.FromSeconds(120);

    /// <summary>How long the VM is waited for to be stopped before the task fails with "VmStopTimeout" (nothing deleted).</summary>
    public TimeSpan StopDeadline { get; init; } = TimeSpan.FromSeconds(120);

    /// <inheritdoc />
    public string Kind => ClusterTaskKinds.VmRemove;

    /// <inheritdoc />
    public bool SafeToRepeat => false;

    /// <inheritdoc />
    public async Task<JsonNode?> RunAsync(ClusterTaskContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var argument = context.Arguments[VmOperations.RemoveVmArgument];
        if (argument is not JsonValue value || !value.TryGetValue<string>(out var text) || !Guid.TryParse(text, out var uuid))
            throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.TaskRecordInvalid,
                $"The task {context.Task.Id} ({Kind}) names no VM UUID in its '{VmOperations.RemoveVmArgument}' argument.") { Target = context.Task.Id };
        if (context.Arguments[VmOperations.RemoveVolumesArgument] is not JsonArray list
            || list.Select(v => v is JsonValue s && s.TryGetValue<string>(out var t) ? t : null).ToList() is not { } confirmed || confirmed.Any(v => v is null))
            throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.TaskRecordInvalid,
                $"The task {context.Task.Id} ({Kind}) names no list of confirmed volumes in its '{VmOperations.RemoveVolumesArgument}' argument.") { Target = context.Task.Id };
        var vm = await context.Cluster.Vms.GetAsync(uuid, ct);
        var vmRef = new VmRef(vm.Uuid, vm.Name);
        // checked again here: a VM defined since the submission may share a volume now, and the VM's volumes must still
        // be those the person confirmed (a disk added since is not deleted unasked)
        var volumes = (await context.Cluster.Vms.CheckRemoveConfirmedAsync(vmRef, [.. confirmed.Select(v => v!)], ct)).Select(VolumeSpec.Parse).ToList();
        var total = volumes.Count + 1;
        var images = volumes.Count == 0 ? null : await ceph.ImagesAsync(ct);
        // before anything changes: a clone depending on a protected snapshot would make the deletion fail half way
        foreach (var (pool, volume) in volumes)
        {
            if (await ClonesAsync(images!, pool, volume, ct) is { } cloned)
                throw CephErrors.SnapshotHasClones(pool, volume, cloned.Name, cloned.Clones, $"VM '{vm.Name}' was not stopped and nothing was removed");
        }
        if (vm.State != VmState.Stop)
        {
            await context.ReportAsync(0, total, $"stopping VM {vm.Name}", ct);
            await context.Cluster.Vms.StopAsync(vmRef, force: true, ct);
        }
        await context.ReportAsync(0, total, $"waiting for VM {vm.Name} to stop", ct);
        bool RunsOn(string node) => node == context.NodeName && context.Hypervisor is { } hypervisor && hypervisor.IsRunning(vm.Uuid);
        var stopped = await context.Cluster.Vms.WaitStoppedForRemovalAsync(vmRef, StopDeadline, RunsOn, ct);
        for (var i = 0; i < volumes.Count; i++)
        {
            var (pool, volume) = volumes[i];
            await context.Cluster.Vms.CheckStillStoppedAsync(vmRef, stopped, RunsOn, ct);
            await context.ReportAsync(i, total, $"removing volume {pool}/{volume}", ct);
            await RemoveAsync(images!, pool, volume, context.Logger, context.Task.Id, () => context.Cluster.Vms.CheckStillStoppedAsync(vmRef, stopped, RunsOn, ct), ct);
        }
        await context.ReportAsync(volumes.Count, total, $"removing VM {vm.Name} and its volumes' keys", ct);
        await context.Cluster.Vms.UndefineAsync(vmRef, [.. volumes.Select(v => $"{v.Pool}/{v.Volume}")], ct);
        return new JsonObject { ["vm"] = vm.Name, ["volumes"] = new JsonArray([.. volumes.Select(v => (JsonNode)$"{v.Pool}/{v.Volume}")]) };
    }

    // the volume's first protected snapshot with clones; null when none (or the volume is not in Ceph: its keys go)
    private static async Task<RbdSnapshotClones?> ClonesAsync(RbdImages images, string pool, string volume, CancellationToken ct)
    {
        try
        {
            return (await images.SnapshotClonesAsync(pool, volume, ct)).FirstOrDefault();
        }
        catch (PvcException e) when (e.ErrorId is PvcErrorIds.VolumeNotFound or PvcErrorIds.PoolNotFound)
        {
            return null;
        }
    }

    // stillStopped is checked again before each retry: a VM started meanwhile (its QEMU holding the volume) ends the task
    private static async Task RemoveAsync(RbdImages images, string pool, string volume, ILogger log, string taskId, Func<Task> stillStopped, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + BusyDeadline;
        while (true)
        {
            try
            {
                await images.RemoveAsync(pool, volume, ct);
                return;
            }
            catch (PvcException e) when (e.ErrorId is PvcErrorIds.VolumeNotFound or PvcErrorIds.PoolNotFound)
            {
                // PVC's tolerance of a volume never created in Ceph; one that vanished is worth a person's look
                log.LogWarning("Task {Task}: volume {Pool}/{Volume}, confirmed for deletion and recorded in the cluster's keys, was not in Ceph; removing its keys", taskId, pool, volume);
                return;
            }
            catch (PvcException e) when (e.ErrorId == PvcErrorIds.CephResourceBusy && DateTime.UtcNow < deadline)
            {
                // the VM's QEMU is still closing it after the stop
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                await stillStopped();
            }
        }
    }
}
