using Pvc.Core.Errors;
using Pvc.Core.Placement;
using Pvc.Core.Schema;

namespace Pvc.Core.Vms;

// Rebalancing: moves that even the running VMs out over the nodes, within the placement rules.
public sealed partial class VmOperations
{
    /// <summary>
    /// Recommends moves of running VMs that even out memory and vCPUs over the run/ready nodes within the placement rules
    /// (see <see cref="RebalancePlanner"/>), each with the score it improves. Writes nothing. An empty plan means the
    /// cluster is as even as single moves can make it.
    /// </summary>
    /// <param name="maxMoves">The most moves to recommend.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public async Task<RebalancePlan> RecommendPlacementAsync(int maxMoves = 50, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMoves);
        var view = await PlacementAsync(cancellationToken);
        var rules = await cluster.Placement.ReadRulesAsync(cancellationToken);
        var vms = await VmReader.ListAsync(Zk, new VmFilter { State = VmState.Start }, cancellationToken);
        // a migrated VM (last node set) counts where it is but stays there (limited to its node): its return is the administrator's
        var movable = vms.Where(v => v.Node is not null)
            .Select(v => new RebalanceVm(v.Uuid, v.Name, v.Node!, v.MemoryMiB, v.Vcpus, v.LastNode is null ? v.NodeLimit : [v.Node!]));
        return RebalancePlanner.Plan(view.Nodes, movable, rules, maxMoves);
    }

    /// <summary>
    /// Carries out moves (a <see cref="RebalancePlan"/>'s, or some of them): each VM is moved for good (it keeps no last
    /// node) to the move's target, up to <paramref name="throttleLimit"/> at once, each followed until its migration has
    /// ended. A VM no longer on the move's node, or no longer running, is not moved ("PlanChangedMeanwhile"): the plan
    /// is stale, plan again. When <paramref name="stopStarting"/> is cancelled (the pipeline's stop) or the timeout
    /// passes, no move starts any more; the moves under way are followed to their end (until the timeout), so that after
    /// a stop every VM is settled where its node put it. A move that fails does not stop the others.
    /// </summary>
    /// <param name="moves">The moves, in order.</param>
    /// <param name="throttleLimit">The most moves under way at once (1 or more).</param>
    /// <param name="timeout">How long the whole rebalance may take (moves start and are waited for within it).</param>
    /// <param name="started">Called when a move starts (from any thread).</param>
    /// <param name="ended">Called when a move has ended (from any thread).</param>
    /// <param name="stopStarting">Stops starting moves; the ones under way are still followed.</param>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTimeout".</exception>
    public async Task<RebalanceRun> RebalanceAsync(IReadOnlyList<PlacementMove> moves, int throttleLimit, TimeSpan timeout,
        Action<PlacementMove>? started = null, Action<RebalanceOutcome>? ended = null, CancellationToken stopStarting = default)
    {
        ArgumentNullException.ThrowIfNull(moves);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(throttleLimit);
        Reading.WaitTimeout.Validate(timeout, "rebalance");
        var deadlineAt = timeout == Timeout.InfiniteTimeSpan ? DateTime.MaxValue : DateTime.UtcNow + timeout;
        using var deadline = new CancellationTokenSource();
        if (timeout != Timeout.InfiniteTimeSpan)
            deadline.CancelAfter(timeout);
        using var starting = CancellationTokenSource.CreateLinkedTokenSource(stopStarting, deadline.Token);
        using var gate = new SemaphoreSlim(throttleLimit);
        var running = new List<Task<RebalanceOutcome>>();
        var outcomes = new System.Collections.Concurrent.ConcurrentQueue<RebalanceOutcome>();
        var notStarted = 0;
        for (var i = 0; i < moves.Count; i++)
        {
            try
            {
                await gate.WaitAsync(starting.Token);
            }
            catch (OperationCanceledException)
            {
                notStarted = moves.Count - i;
                break;
            }
            var move = moves[i];
            started?.Invoke(move);
            running.Add(Task.Run(async () =>
            {
                try
                {
                    var outcome = new RebalanceOutcome(move, await MoveForRebalanceAsync(move, deadlineAt, deadline.Token));
                    outcomes.Enqueue(outcome);
                    ended?.Invoke(outcome);
                    return outcome;
                }
                finally
                {
                    gate.Release();
                }
            }, CancellationToken.None));
        }
        await Task.WhenAll(running);
        return new RebalanceRun([.. outcomes], notStarted);
    }

    /// <summary>
    /// One move: planned against the VM as it is now, committed, and followed; null when made, else why not. Whatever
    /// goes wrong is this move's outcome, not the run's: an exception that is not Core's (a bug) is returned too, so that
    /// the other moves are still followed and reported. Once the commit is sent, a timeout or a lost connection leaves
    /// the move's fate open (the commit may have gone through, the migration may be under way or done): the VM is read
    /// again to tell (<see cref="OutcomeOnceSentAsync"/>).
    /// </summary>
    private async Task<Exception?> MoveForRebalanceAsync(PlacementMove move, DateTime deadlineAt, CancellationToken deadline)
    {
        var vm = new VmRef(move.Vm, move.VmName);
        var sent = false;
        try
        {
            var plan = await PlanMigrationAsync(vm, new MigrationRequest(MigrationKind.Move, move.To), deadline);
            if (plan.From != move.From || plan.State is not (VmState.Migrate or VmState.MigrateLive))
                return new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.PlanChangedMeanwhile,
                    $"The VM '{move.VmName}' is no longer running on {move.From} as the rebalance plan found it (now {plan.From ?? "no node"}); it was not moved. Get a new recommendation.") { Target = move.VmName };
            sent = true;
            var committed = await MigrateAsync(plan, deadline);
            var left = deadlineAt == DateTime.MaxValue ? Timeout.InfiniteTimeSpan : deadlineAt - DateTime.UtcNow;
            await WaitMigratedAsync(committed, left < TimeSpan.Zero ? TimeSpan.Zero : left, cancellationToken: CancellationToken.None);
            return null;
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested)
        {
            return sent ? await OutcomeOnceSentAsync(move, e) : new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout,
                $"The rebalance's timeout passed before the VM '{move.VmName}' was moved; it was not moved.", e) { Target = move.VmName };
        }
        catch (PvcException e) when (sent && e.ErrorId == PvcErrorIds.WaitTimeout && DateTime.UtcNow >= deadlineAt)
        {
            return await OutcomeOnceSentAsync(move, e);
        }
        catch (PvcException e)
        {
            return e;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // ZooKeeper's exceptions are Core's errors (a lost connection: ClusterUnreachable); anything else is a bug,
            // returned as it is
            return PvcException.From(e) is { } mapped ? (sent ? await OutcomeOnceSentAsync(move, e) : mapped) : e;
        }
    }

    /// <summary>
    /// A move's outcome when the rebalance's timeout passed, or ZooKeeper was lost, after its commit was sent: the VM is
    /// read again (on a connection that may be back): null when it runs on the target; "not moved" when it runs where it
    /// was; else "unknown", with the cause's error id (WaitTimeout for the timeout).
    /// </summary>
    private async Task<Exception?> OutcomeOnceSentAsync(PlacementMove move, Exception cause)
    {
        var error = PvcException.From(cause);
        var (kind, id) = error is null ? (PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout) : (error.Kind, error.ErrorId);
        var why = error is null || error.ErrorId == PvcErrorIds.WaitTimeout ? "The rebalance's timeout passed" : $"ZooKeeper was lost ({error.Message})";
        string now;
        try
        {
            using var reading = new CancellationTokenSource(AfterDeadlineRead);
            var vm = await VmReader.GetAsync(Zk, move.Vm, reading.Token);
            if (vm.State == VmState.Start && vm.Node == move.To)
                return null;
            if (vm.State == VmState.Start && vm.Node == move.From)
                return new PvcException(kind, id, $"{why} before the VM '{move.VmName}' was moved; it was not moved (it runs on {move.From}).", cause) { Target = move.VmName };
            now = $"it is {Schema.Wire.VmState.Describe(vm.State)} on {vm.Node ?? "no node"}";
        }
        catch (Exception e) when (e is OperationCanceledException || PvcException.From(e) is not null)
        {
            now = "it could not be read";
        }
        return new PvcException(kind, id,
            $"{why} while the VM '{move.VmName}' was being moved from {move.From} to {move.To}: {now}, so the move's outcome is unknown: read the VM again to see where it settles.", cause) { Target = move.VmName };
    }

    /// <summary>How long the read of a VM after the rebalance's timeout may take.</summary>
    private static readonly TimeSpan AfterDeadlineRead = TimeSpan.FromSeconds(10);
}
