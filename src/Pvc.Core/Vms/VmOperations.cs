using System.Text;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Placement;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

/// <summary>
/// The operations on VMs, with PVC's rules and PVC's writes. Each change is one ZooKeeper transaction that
/// also checks the versions of the keys its decision was based on: a concurrent change makes it fail with
/// <see cref="PvcException"/> (WriteConflict) and nothing is written. Unlike PVC, no lock is taken and nothing sleeps: a
/// VM being migrated is refused a state change instead (PVC's clients wait for the state lock a sender holds, which
/// does not help when the sender hung before it saw the migration).
/// </summary>
public sealed partial class VmOperations(ClusterConnection cluster)
{
    private ZooKeeperClient Zk => cluster.ZooKeeper;

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string P(VmRef vm, string key) => DomainKeys.Path(vm.Uuid, key);

    /// <summary>Resolves a VM by name or UUID.</summary>
    public Task<VmRef> ResolveAsync(string nameOrUuid, CancellationToken cancellationToken = default) =>
        VmResolver.ResolveAsync(cluster, nameOrUuid, cancellationToken);

    /// <summary>Reads a VM's keys with their versions.</summary>
    /// <remarks>The schema version is read (and checked in the write) with them: no extra round trip.</remarks>
    private async Task<VersionedKeys> ReadAsync(VmRef vm, CancellationToken cancellationToken, params string[] keys)
    {
        var read = await VersionedKeys.ReadAsync(Zk, keys.Select(k => P(vm, k)).Prepend(P(vm, DomainKeys.Root)).Prepend(BaseKeys.SchemaVersion), cancellationToken);
        SchemaVersion.EnsureSupported(read[BaseKeys.SchemaVersion]);
        return read;
    }

    /// <summary>As <see cref="ReadAsync(VmRef, CancellationToken, string[])"/>, with keys outside the VM's (full paths) in the same round trip.</summary>
    private async Task<VersionedKeys> ReadAsync(VmRef vm, IEnumerable<string> others, CancellationToken cancellationToken, params string[] keys)
    {
        var read = await VersionedKeys.ReadAsync(Zk, keys.Select(k => P(vm, k)).Prepend(P(vm, DomainKeys.Root)).Prepend(BaseKeys.SchemaVersion).Concat(others), cancellationToken);
        SchemaVersion.EnsureSupported(read[BaseKeys.SchemaVersion]);
        return read;
    }

    private static VmState StateOf(VersionedKeys keys, VmRef vm) => Wire.VmState.Decode(keys[P(vm, DomainKeys.State)]);

    /// <summary>Runs a transaction built on <paramref name="read"/>: its checks first, then the writes.</summary>
    private async Task CommitAsync(VmRef vm, VersionedKeys read, IEnumerable<Op> writes, CancellationToken cancellationToken)
    {
        if (read[P(vm, DomainKeys.Root)] is not { } name)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"The VM '{vm.Name}' no longer exists.") { Target = vm.Name };
        if (name != vm.Name)
            throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.VmRenamedMeanwhile, $"The VM '{vm.Name}' was renamed to '{name}' meanwhile; nothing was written.") { Target = vm.Name };
        try
        {
            await Zk.MultiAsync(read.Checks.Concat(writes), cancellationToken);
        }
        catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException or NodeExistsException)
        {
            throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.VmChangedMeanwhile,
                $"The VM '{vm.Name}' was changed by someone else while this change was prepared; nothing was written. Try again.", e) { Target = vm.Name };
        }
    }

    private async Task SetStateAsync(VmRef vm, VersionedKeys read, VmState state, CancellationToken cancellationToken)
    {
        RefuseMigrating(vm, read);
        await CommitAsync(vm, read, [Op.SetData(P(vm, DomainKeys.State), Utf8(Wire.VmState.Encode(state)))], cancellationToken);
    }

    /// <summary>
    /// A VM being migrated keeps its state until its nodes are done: the node key already names the receiver, so a start
    /// or a stop written now would be carried out by the receiver while the sender, perhaps hung before it saw the
    /// migration (and took no lock), still runs the VM. PVC writes it all the same; the fencer or the nodes end the
    /// migration (an abort, a hand-over, or a fence of a dead sender).
    /// </summary>
    private static void RefuseMigrating(VmRef vm, VersionedKeys read)
    {
        var state = StateOf(read, vm);
        if (state is VmState.Migrate or VmState.MigrateLive or VmState.Unmigrate)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VmMigrating,
                $"The VM '{vm.Name}' is {Wire.VmState.Describe(state)}: its state changes once its nodes have ended the migration; nothing was written. Wait for the migration to end, then try again.") { Target = vm.Name };
    }

    /// <summary>
    /// Starts a VM (state "start"). A mirror VM needs <paramref name="force"/>. A receiver's announcement left in
    /// <c>migrate_sync_lock</c> is cleared with it, as <see cref="StopAsync"/> does. A VM with a Pending or Running
    /// <c>vm.remove</c> task is refused: its volumes are being deleted (see <see cref="VmRemovalMarker"/>).
    /// </summary>
    /// <exception cref="PvcException">InvalidOperation: "VmIsMirror", "VmMigrating", "VmBeingRemoved"; WriteConflict: "VmChangedMeanwhile".</exception>
    public async Task StartAsync(VmRef vm, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var marker = Tasks.TaskKeys.VmRemoval(vm.Uuid);
        var read = await ReadAsync(vm, [marker], cancellationToken, DomainKeys.State, DomainKeys.MigrateSyncLock);
        RefuseMirror(vm, read, force, "start");
        RefuseMigrating(vm, read);
        await VmRemovalMarker.RefuseIfActiveAsync(cluster, vm, read[marker], "it cannot be started", cancellationToken);
        var writes = new List<Op> { Op.SetData(P(vm, DomainKeys.State), Utf8(Wire.VmState.Encode(VmState.Start))) };
        // a receiver's announcement left standing would make the VM's next "stop" (after a shutdown) read as a hand-over,
        // which its node then starts again: a start asked for now ends whatever hand-over was pending
        if (read[P(vm, DomainKeys.MigrateSyncLock)] is { Length: > 0 })
            writes.Add(Op.SetData(P(vm, DomainKeys.MigrateSyncLock), Utf8("")));
        await CommitAsync(vm, read, writes, cancellationToken);
    }

    /// <summary>Restarts a running VM (state "restart"); only from "start".</summary>
    public async Task RestartAsync(VmRef vm, CancellationToken cancellationToken = default)
    {
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.State);
        RequireRunning(vm, read, "restarted");
        await SetStateAsync(vm, read, VmState.Restart, cancellationToken);
    }

    /// <summary>Shuts a running VM down gracefully (state "shutdown"); only from "start".</summary>
    public async Task ShutdownAsync(VmRef vm, CancellationToken cancellationToken = default)
    {
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.State);
        RequireRunning(vm, read, "shut down");
        await SetStateAsync(vm, read, VmState.Shutdown, cancellationToken);
    }

    /// <summary>
    /// Stops a VM hard (state "stop"). A mirror VM needs <paramref name="force"/>. Whatever would start it again is
    /// cleared with it, where PVC leaves it: a receiver's announcement left in <c>migrate_sync_lock</c> ("stop" with the
    /// key naming the VM is how a sender hands a VM over by shutdown, which a fencer or the receiver then starts), and
    /// the autostart a flush set when it shut the VM down (its node's return would start it): a stop asked for now
    /// outranks a start promised before.
    /// </summary>
    public async Task StopAsync(VmRef vm, bool force = false, CancellationToken cancellationToken = default)
    {
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.State, DomainKeys.MigrateSyncLock, DomainKeys.Autostart);
        RefuseMirror(vm, read, force, "stop");
        RefuseMigrating(vm, read);
        var writes = new List<Op> { Op.SetData(P(vm, DomainKeys.State), Utf8(Wire.VmState.Encode(VmState.Stop))) };
        if (read[P(vm, DomainKeys.MigrateSyncLock)] is { Length: > 0 })
            writes.Add(Op.SetData(P(vm, DomainKeys.MigrateSyncLock), Utf8("")));
        if (PvcBool.Decode(read[P(vm, DomainKeys.Autostart)]))
            writes.Add(Op.SetData(P(vm, DomainKeys.Autostart), Utf8(PvcBool.Encode(false))));
        await CommitAsync(vm, read, writes, cancellationToken);
    }

    /// <summary>
    /// Disables a VM (state "disable"), as PVC does: a running VM is first shut down and waited for (or, with
    /// <paramref name="force"/>, stopped hard). A mirror VM needs <paramref name="force"/>.
    /// </summary>
    public async Task DisableAsync(VmRef vm, bool force = false, TimeSpan? shutdownTimeout = null, Action<VmState>? progress = null, CancellationToken cancellationToken = default)
    {
        if (shutdownTimeout is { } timeout)
            WaitTimeout.Validate(timeout, vm.Name); // before the shutdown is asked for, not after
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.State);
        RefuseMirror(vm, read, force, "disable");
        if (StateOf(read, vm) == VmState.Start)
        {
            await SetStateAsync(vm, read, force ? VmState.Stop : VmState.Shutdown, cancellationToken);
            // the state written is reported at once: the node may be done with it before the wait's first read
            progress?.Invoke(force ? VmState.Stop : VmState.Shutdown);
            if (!force)
                await VmStateWaiter.WaitAsync(Zk, vm, s => s == VmState.Stop, shutdownTimeout ?? TimeSpan.FromMinutes(4), progress, cancellationToken);
            read = await ReadAsync(vm, cancellationToken, DomainKeys.State);
        }
        await SetStateAsync(vm, read, VmState.Disable, cancellationToken);
    }

    private static void RefuseMirror(VmRef vm, VersionedKeys read, bool force, string verb)
    {
        if (StateOf(read, vm) == VmState.Mirror && !force)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VmIsMirror, $"The VM '{vm.Name}' is a snapshot mirror: a {verb} of it must be forced.") { Target = vm.Name };
    }

    private static void RequireRunning(VmRef vm, VersionedKeys read, string verb)
    {
        var state = StateOf(read, vm);
        if (state != VmState.Start)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VmNotRunning, $"The VM '{vm.Name}' is {Wire.VmState.Describe(state)}, not start: only a running VM can be {verb}.") { Target = vm.Name };
    }

    /// <summary>
    /// PVC's rule for flushing a VM's stale RBD locks (<c>pvc vm flush-locks</c>): only while the VM cannot be using
    /// its disks (stop, disable, fail or mirror), unless forced. Returns the RBD volumes (pool/volume) whose locks may
    /// be removed; removing them is the storage layer's part.
    /// </summary>
    public async Task<IReadOnlyList<string>> PrepareLockFlushAsync(VmRef vm, bool force = false, CancellationToken cancellationToken = default)
    {
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.State, DomainKeys.Xml);
        if (read[P(vm, DomainKeys.Root)] is null)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"The VM '{vm.Name}' no longer exists.") { Target = vm.Name };
        if (!force)
            RequireLocksFlushable(vm, StateOf(read, vm));
        return DomainXml.Parse(read[P(vm, DomainKeys.Xml)] ?? "").RbdVolumes;
    }

    /// <summary>Reads the console log, its last <paramref name="lines"/> lines (none for an empty log).</summary>
    public async Task<IReadOnlyList<string>> GetConsoleLogAsync(VmRef vm, int lines = 1000, CancellationToken cancellationToken = default)
    {
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.ConsoleLog);
        if (read[P(vm, DomainKeys.Root)] is null)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"The VM '{vm.Name}' no longer exists.") { Target = vm.Name };
        // the text ends with a newline as PVC writes it: the empty piece after it is no line, and an empty log has none
        return [.. LogWindow.Lines(read[P(vm, DomainKeys.ConsoleLog)]).TakeLast(Math.Max(0, lines))];
    }

    /// <summary>
    /// The VM's serial console as its node writes it: the last <paramref name="tail"/> lines, then each new line as the
    /// guest writes it (the node stores the console every half second at most), on a watch, until
    /// <paramref name="cancellationToken"/> is cancelled or the VM is removed.
    /// </summary>
    /// <exception cref="PvcException">NotFound: The VM no longer exists.</exception>
    public async IAsyncEnumerable<string> FollowConsoleLogAsync(VmRef vm, int tail = 10,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var read = await ReadAsync(vm, cancellationToken);
        if (read[P(vm, DomainKeys.Root)] is null)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"The VM '{vm.Name}' no longer exists.") { Target = vm.Name };
        await foreach (var line in LogFollower.FollowAsync(Zk, P(vm, DomainKeys.ConsoleLog), tail, endsWithNewline: true, cancellationToken))
            yield return line;
    }

    private Task<PlacementView> PlacementAsync(CancellationToken cancellationToken) => cluster.Placement.ReadAsync(cancellationToken);
}
