using System.Text.Json.Nodes;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

// PVC's vm remove (the API's DELETE /vm/<vm> with delete_disks, remove_vm): a cluster task on the primary that stops
// the VM, removes its RBD volumes from Ceph, then its keys and its volumes' in one transaction.
public sealed partial class VmOperations
{
    /// <summary>The arguments' key of the VM's UUID in a <see cref="ClusterTaskKinds.VmRemove"/> task.</summary>
    public const string RemoveVmArgument = "vm";

    /// <summary>
    /// The checks of a VM's removal with its volumes, before anything changes: the VM exists, each RBD disk of its XML
    /// names a volume by Pvc's rules, and no other defined VM has one of them among its disks (PVC would delete a disk
    /// from under that VM). Returns the volumes ("pool/volume", in the XML's order) that the removal deletes.
    /// </summary>
    /// <exception cref="PvcException">NotFound: "VmNotFound"; InvalidArgument: "InvalidPoolName", "InvalidVolumeName"; InvalidOperation: "VolumeInUse".</exception>
    public async Task<IReadOnlyList<string>> CheckRemoveAsync(VmRef vm, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var found = await GetAsync(vm.Uuid, cancellationToken);
        // every name is checked before anything reaches Ceph: the XML may have been written past Core
        var volumes = found.Disks.Where(d => d.Type == RbdDiskSource.Protocol).Select(d => VolumeSpec.Parse(d.Source))
            .Select(v => $"{v.Pool}/{v.Volume}").Distinct(StringComparer.Ordinal).ToList();
        await new StorageOperations(cluster).CheckRemoveVmVolumesAsync(found.Uuid, found.Name, volumes, cancellationToken);
        return volumes;
    }

    /// <summary>The arguments' key of the volumes ("pool/volume") a person confirmed for deletion in a <see cref="ClusterTaskKinds.VmRemove"/> task.</summary>
    public const string RemoveVolumesArgument = "volumes";

    /// <summary>
    /// <see cref="CheckRemoveAsync"/>, and the VM's volumes are still those confirmed (<paramref name="confirmed"/>, in any
    /// order): a removal deletes only what a person was asked about.
    /// </summary>
    /// <exception cref="PvcException">As <see cref="CheckRemoveAsync"/>; WriteConflict "VmChangedMeanwhile" when the VM's volumes differ from <paramref name="confirmed"/>.</exception>
    public async Task<IReadOnlyList<string>> CheckRemoveConfirmedAsync(VmRef vm, IReadOnlyList<string> confirmed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(confirmed);
        var volumes = await CheckRemoveAsync(vm, cancellationToken);
        if (!volumes.Order(StringComparer.Ordinal).SequenceEqual(confirmed.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), StringComparer.Ordinal))
            throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.VmChangedMeanwhile,
                $"The VM '{vm.Name}''s RBD volumes are {Describe(volumes)} now, not {Describe(confirmed)} as confirmed for its removal: nothing was stopped or deleted. Remove it again to confirm what it has now.") { Target = vm.Name };
        return volumes;
    }

    /// <summary>
    /// Submits <c>vm.remove</c> for a VM to the primary (which reaches Ceph, as every node with storage does), with the
    /// volumes a person confirmed (<paramref name="volumes"/>, from <see cref="CheckRemoveAsync"/>), once
    /// <see cref="CheckRemoveConfirmedAsync"/> passes; the primary checks again before it changes anything, and deletes
    /// nothing when the VM's volumes are no longer those.
    /// </summary>
    /// <exception cref="PvcException">As <see cref="CheckRemoveConfirmedAsync"/>; the task store's refusals (<see cref="ClusterTaskStore.SubmitAsync"/>).</exception>
    /// <remarks>
    /// The task is written with the VM's removal marker (<see cref="VmRemovalMarker"/>) and its state key rewritten (same
    /// data) at the version read, in one transaction: from then on, until the task ends, no start of the VM is
    /// accepted (Start-PvcVm, its node's autostart at ready), and a second removal of it is refused.
    /// </remarks>
    /// <exception cref="PvcException">InvalidOperation: "VmBeingRemoved": a vm.remove task of the VM is Pending or Running already.</exception>
    public async Task<ClusterTask> SubmitRemoveAsync(VmRef vm, IReadOnlyList<string> volumes, CancellationToken cancellationToken = default)
    {
        var confirmed = await CheckRemoveConfirmedAsync(vm, volumes, cancellationToken);
        return await cluster.Tasks.SubmitWithAsync(ClusterTaskKinds.VmRemove, new JsonObject
        {
            [RemoveVmArgument] = vm.Uuid.ToString(),
            [RemoveVolumesArgument] = new JsonArray([.. confirmed.Select(v => (JsonNode)v)]),
        }, null, (id, token) => MarkRemovalAsync(vm, id, token), cancellationToken);
    }

    // the marker and the state key's rewrite that a start's commit checks (see VmRemovalMarker)
    private async Task<IReadOnlyList<Op>> MarkRemovalAsync(VmRef vm, string taskId, CancellationToken cancellationToken)
    {
        var marker = TaskKeys.VmRemoval(vm.Uuid);
        var read = await ReadAsync(vm, [TaskKeys.VmRemovals, marker], cancellationToken, DomainKeys.State);
        if (read[P(vm, DomainKeys.Root)] is null || read.VersionOf(P(vm, DomainKeys.State)) < 0)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"The VM '{vm.Name}' no longer exists.") { Target = vm.Name };
        await VmRemovalMarker.RefuseIfActiveAsync(cluster, vm, read[marker], "it is removed once, by that task", cancellationToken);
        var state = P(vm, DomainKeys.State);
        var ops = new List<Op>
        {
            Op.Check(P(vm, DomainKeys.Root), read.VersionOf(P(vm, DomainKeys.Root))),
            Op.SetData(state, Utf8(read[state] ?? ""), read.VersionOf(state)),
        };
        if (read.VersionOf(TaskKeys.VmRemovals) < 0)
            ops.Add(Op.Create(TaskKeys.VmRemovals, ReadOnlyMemory<byte>.Empty));
        ops.Add(read.VersionOf(marker) >= 0 ? Op.SetData(marker, Utf8(taskId), read.VersionOf(marker)) : Op.Create(marker, Utf8(taskId)));
        return ops;
    }

    /// <summary>
    /// For vm.remove, after its stop: waits until the VM is really stopped, that is its state is "stop", the node
    /// it is assigned to no longer lists it among its running VMs in a list written after that state was (its keepalive
    /// has seen the stop; a node whose service is stopped, dead or fenced writes none, and its last list stands), and <paramref name="runsOn"/> (the caller's own libvirt, for its own node) does not say it
    /// runs there. Returns the state key's version then, for <see cref="CheckStillStoppedAsync"/>.
    /// </summary>
    /// <param name="vm">The VM.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="runsOn">Whether the VM runs on the node named, as far as the caller can tell (false when it cannot); may be null.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <exception cref="PvcException">OperationTimeout: "VmStopTimeout": not stopped in time (the message says what was seen); NotFound: "VmNotFound".</exception>
    public async Task<int> WaitStoppedForRemovalAsync(VmRef vm, TimeSpan timeout, Func<string, bool>? runsOn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        WaitTimeout.Validate(timeout, vm.Name);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var (version, running) = await ProbeStoppedAsync(vm, runsOn, cancellationToken);
            if (running is null)
                return version;
            if (waited.Elapsed >= timeout)
                throw new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.VmStopTimeout,
                    $"The VM '{vm.Name}' was not stopped after {timeout.TotalSeconds:0.#} s ({running}); none of its volumes was deleted. Is its node's service running? Stop it, then remove it again.") { Target = vm.Name };
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>
    /// For vm.remove, right before a volume is deleted: the VM is still stopped as <see cref="WaitStoppedForRemovalAsync"/>
    /// found it, its state key unchanged since (<paramref name="stateVersion"/>).
    /// </summary>
    /// <exception cref="PvcException">InvalidOperation: "VmStillRunning"; NotFound: "VmNotFound".</exception>
    public async Task CheckStillStoppedAsync(VmRef vm, int stateVersion, Func<string, bool>? runsOn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var (version, running) = await ProbeStoppedAsync(vm, runsOn, cancellationToken);
        if (running is not null || version != stateVersion)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VmStillRunning,
                $"The VM '{vm.Name}' is no longer stopped ({running ?? "its state was written again"}); no further volume of it was deleted. Stop it, then remove it again.") { Target = vm.Name };
    }

    // the state key's version, and null when the VM is stopped, else what shows it may run
    private async Task<(int Version, string? Running)> ProbeStoppedAsync(VmRef vm, Func<string, bool>? runsOn, CancellationToken cancellationToken)
    {
        var statePath = P(vm, DomainKeys.State);
        var batch = new ZnodeBatch(Zk).Data(statePath).Data(P(vm, DomainKeys.Node));
        await batch.ReadAsync(cancellationToken);
        var stat = batch.StatOf(statePath)
            ?? throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"The VM '{vm.Name}' no longer exists.") { Target = vm.Name };
        var state = Wire.VmState.Decode(batch.Text(statePath));
        if (state != VmState.Stop)
            return (stat.Version, $"its state is {Wire.VmState.Describe(state)}");
        if (PvcText.Decode(batch.Text(P(vm, DomainKeys.Node))) is not { } node)
            return (stat.Version, null);
        if (runsOn?.Invoke(node) == true)
            return (stat.Version, $"libvirt on {node} still runs it");
        var listPath = NodeKeys.Path(node, NodeKeys.RunningDomains);
        batch.Data(listPath);
        await batch.ReadAsync(cancellationToken);
        if (batch.StatOf(listPath) is not { } listed)
            return (stat.Version, null); // no such node: nothing runs it there
        if (PvcList.DecodeSpace(batch.Text(listPath)).Contains(DomainKeys.Format(vm.Uuid)))
            return (stat.Version, $"node {node} lists it among its running VMs");
        if (listed.ModifiedTime <= stat.ModifiedTime)
        {
            // a node whose service is stopped, dead or fenced writes no list again: its last one (without the VM) stands
            var daemonPath = NodeKeys.Path(node, NodeKeys.DaemonState);
            batch.Data(daemonPath);
            await batch.ReadAsync(cancellationToken);
            if (Wire.DaemonState.Decode(batch.Text(daemonPath)) is NodeDaemonState.Stop or NodeDaemonState.Dead or NodeDaemonState.Fenced)
                return (stat.Version, null);
            return (stat.Version, $"node {node} has not reported its running VMs since it was stopped");
        }
        return (stat.Version, null);
    }

    private static string Describe(IReadOnlyList<string> volumes) => volumes.Count == 0 ? "none" : string.Join(", ", volumes);
}
