using System.Diagnostics;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;

namespace Pvc.Core.Vms;

// What -Wait waits for after each change, one method per operation, each returning the VM as it then is: the cmdlets
// (and any other client) decide nothing about it. One deadline covers a wait's steps.
public sealed partial class VmOperations
{
    /// <summary>After <see cref="StartAsync"/>: until the VM runs on its node ("fail" is an error).</summary>
    public async Task<Vm> WaitStartedAsync(VmRef vm, TimeSpan timeout, Action<VmState>? progress = null, CancellationToken cancellationToken = default)
    {
        await WaitRunningAsync(vm, timeout, overtakenIsError: true, progress, cancellationToken);
        return await VmReader.GetAsync(Zk, vm.Uuid, cancellationToken);
    }

    /// <summary>After <see cref="ShutdownAsync"/> or <see cref="StopAsync"/>: until the state has settled and no node runs the VM.</summary>
    public async Task<Vm> WaitShutDownAsync(VmRef vm, TimeSpan timeout, Action<VmState>? progress = null, CancellationToken cancellationToken = default)
    {
        var waited = Stopwatch.StartNew();
        await WaitSettledAsync(vm, timeout, progress, cancellationToken);
        await WaitStoppedAsync(vm, Remaining(timeout, waited, vm), progress, cancellationToken);
        return await VmReader.GetAsync(Zk, vm.Uuid, cancellationToken);
    }

    /// <summary>
    /// After <see cref="RestartAsync"/>: until its node has restarted it. "fail" is an error, and so is any other end
    /// than running ("VmNotRestarted"): another change (a stop, a disable) overtook the restart.
    /// </summary>
    public async Task<Vm> WaitRestartedAsync(VmRef vm, TimeSpan timeout, Action<VmState>? progress = null, CancellationToken cancellationToken = default)
    {
        var state = await WaitSettledAsync(vm, timeout, progress, cancellationToken);
        if (state != VmState.Start)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VmNotRestarted,
                $"The VM '{vm.Name}' was not restarted: another change overtook the restart and it is now {Schema.Wire.VmState.Describe(state)}. The node's log says what happened.") { Target = vm.Name };
        return await VmReader.GetAsync(Zk, vm.Uuid, cancellationToken);
    }

    /// <summary>
    /// After <see cref="MigrateAsync(MigrationPlan, CancellationToken)"/>: until the nodes have ended the migration, and
    /// it must have ended where the plan said: a migration its node aborted (the VM runs on where it was, as after a
    /// live migration that failed under -Live) is an error, "MigrationAborted", as is "fail". Starts from the state the
    /// commit read with a watch, and reads the VM with the state that ends the wait: a live migration costs two round
    /// trips after the commit.
    /// </summary>
    /// <exception cref="ArgumentException">The plan is not committed.</exception>
    public async Task<Vm> WaitMigratedAsync(MigrationPlan plan, TimeSpan timeout, Action<VmState>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!plan.IsCommitted)
            throw new ArgumentException("Wait for a committed plan (the one MigrateAsync returned).", nameof(plan));
        var vm = plan.Vm;
        WaitTimeout.Validate(timeout, vm.Name);
        var waited = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var watch = plan.Watch;
        Task<Vm>? read = null;
        VmState? last = null;
        try
        {
            while (true)
            {
                if (watch is null)
                    throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"The VM '{vm.Name}' was removed while waiting for it.") { Target = vm.Name };
                if (watch.State != last)
                    progress?.Invoke(watch.State);
                last = watch.State;
                if (!IsTransitional(watch.State))
                    break;
                await watch.Changed.WaitAsync(deadline.Token);
                // the state again with a new watch, and the VM as it is, in one round trip: most often that state ends the wait
                var next = VmStateWatch.ArmAsync(Zk, vm, deadline.Token);
                read = VmReader.GetAsync(Zk, vm.Uuid, deadline.Token);
                _ = read.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted); // observed below when it is used
                watch = await next;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout,
                $"The VM '{vm.Name}' is still {(last is { } s ? Schema.Wire.VmState.Describe(s) : "migrating")} after {timeout.TotalSeconds:0.#} s; its nodes have not finished. Check the nodes.") { Target = vm.Name };
        }
        if (watch.State == VmState.Stop && plan.NodeActs)
        {
            // a shutdown migration passes through "stop" while the new node takes over: WaitSettledAsync knows that hand-over
            await WaitSettledAsync(vm, Remaining(timeout, waited, vm), progress, cancellationToken);
            read = null;
        }
        if (watch.State == VmState.Fail)
            await ThrowFailedAsync(vm, cancellationToken);
        var now = read is not null && (await read).State == watch.State ? await read : await VmReader.GetAsync(Zk, vm.Uuid, cancellationToken);
        if (plan.NodeActs && now.Node != plan.To)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.MigrationAborted,
                $"The migration of the VM '{vm.Name}' to '{plan.To}' was aborted by its node: it is {Schema.Wire.VmState.Describe(now.State)} on '{now.Node}'. The node's log says why.") { Target = vm.Name };
        return now;
    }

    private static TimeSpan Remaining(TimeSpan timeout, Stopwatch waited, VmRef vm) =>
        timeout - waited.Elapsed is var left && left > TimeSpan.Zero ? left
            : throw new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout, $"The VM '{vm.Name}' was not done after {timeout.TotalSeconds:0.#} s.") { Target = vm.Name };
}
