using System.Text;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// Applies a schedule's faults at their times and heals each after its duration, or at once when the faults are
/// over (<see cref="RunAsync"/>'s token): then every fault under way ends, whatever its duration said.
/// </summary>
internal sealed class FaultInjector(NemesisLab lab, NemesisResult result, NemesisLog log)
{
    private static readonly TimeSpan MemberStart = TimeSpan.FromSeconds(90);

    /// <summary>Runs every fault of the schedule; returns once each has ended (its duration passed or <paramref name="over"/>).</summary>
    public Task RunAsync(TimeSpan start, CancellationToken over) =>
        Task.WhenAll(result.Schedule.FaultList.Select((fault, index) => OneAsync(fault, index, start, over)));

    private async Task OneAsync(ScheduledFault fault, int index, TimeSpan start, CancellationToken over)
    {
        if (!await NemesisClock.WaitUntilAsync(log, start + fault.At, over))
            return; // the faults ended before its time
        Func<Task>? end;
        try
        {
            end = await BeginAsync(fault, index);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.Line($"fault {fault} could not be applied: {e.GetType().Name}: {e.Message}");
            end = null;
        }
        result.Count(fault.Kind, end is not null);
        if (end is null)
            return;
        // the fault's own duration: a sleep by nature, cut short when the faults are over
        await Task.Delay(fault.Duration, over).ContinueWith(_ => { }, TaskScheduler.Default);
        try
        {
            await end();
            log.Line($"fault ends: {fault.Kind} {fault.Target}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.Line($"fault {fault} could not be healed: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Applies a fault; returns how to heal it, or null when it could not be applied (nothing to heal).</summary>
    private async Task<Func<Task>?> BeginAsync(ScheduledFault fault, int index)
    {
        switch (fault.Kind)
        {
            case FaultKind.Crash:
            {
                var node = lab.Node(fault.Target);
                log.Line($"fault begins: {fault}");
                node.Crash();
                return async () =>
                {
                    node.Release();
                    await node.BootAsync();
                };
            }
            case FaultKind.ServiceKill:
            {
                var node = lab.Node(fault.Target);
                log.Line($"fault begins: {fault}");
                node.KillService();
                return async () =>
                {
                    node.Release();
                    await node.BootAsync();
                };
            }
            case FaultKind.Freeze:
            {
                var node = lab.Node(fault.Target);
                log.Line($"fault begins: {fault}");
                node.Freeze();
                return () =>
                {
                    node.Thaw();
                    return Task.CompletedTask;
                };
            }
            case FaultKind.ZooKeeperCut:
            {
                var node = lab.Node(fault.Target);
                log.Line($"fault begins: {fault}");
                node.Cut();
                return () =>
                {
                    node.Restore();
                    return Task.CompletedTask;
                };
            }
            case FaultKind.BmcSilent:
            {
                var node = lab.Node(fault.Target);
                log.Line($"fault begins: {fault}");
                node.SilenceBmc();
                return () =>
                {
                    node.AnswerBmc();
                    return Task.CompletedTask;
                };
            }
            case FaultKind.ZooKeeperMemberLoss:
            {
                var member = lab.Ensemble.Members[int.Parse(fault.Target[2..], System.Globalization.CultureInfo.InvariantCulture) - 1];
                log.Line($"fault begins: {fault}");
                member.Kill();
                return async () =>
                {
                    member.Launch();
                    await member.WaitServingAsync(MemberStart);
                };
            }
            case FaultKind.ZooKeeperLoss:
            {
                log.Line($"fault begins: {fault}");
                foreach (var member in lab.Ensemble.Members)
                    member.Kill();
                return async () =>
                {
                    foreach (var member in lab.Ensemble.Members)
                        member.Launch();
                    await Task.WhenAll(lab.Ensemble.Members.Select(m => m.WaitServingAsync(MemberStart)));
                };
            }
            case FaultKind.LibvirtdRestart:
            {
                var node = lab.Node(fault.Target);
                log.Line($"fault begins: {fault}");
                var restart = await node.BeginLibvirtdRestartAsync();
                if (restart is null)
                    return null;
                return () => node.EndLibvirtdRestartAsync(restart);
            }
            case FaultKind.ReceiverKill:
                return await BeginReceiverKillAsync(fault, index);
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault.Kind, "unknown fault");
        }
    }

    /// <summary>
    /// Migrates a VM to the target node and SIGKILLs the target's node service at the scheduled moment of receiving
    /// it: once it announced itself on migrate_sync_lock, or once the sender handed the VM over (state "stop").
    /// </summary>
    private async Task<Func<Task>?> BeginReceiverKillAsync(ScheduledFault fault, int index)
    {
        var node = lab.Node(fault.Target);
        var zk = lab.Connection.ZooKeeper;
        if (node.IsDown)
        {
            log.Line($"fault {fault} skipped: {fault.Target} is down");
            return null;
        }
        var candidates = (await lab.Connection.Vms.ListAsync()).Where(v => v.State == VmState.Start && v.Node is { } n && n != fault.Target && !lab.Node(n).IsDown)
            .OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
        if (candidates.Count == 0)
        {
            log.Line($"fault {fault} skipped: no running VM to send to {fault.Target}");
            return null;
        }
        var vm = candidates[index % candidates.Count];
        try
        {
            await new VmOperations(lab.Connection).MigrateAsync(new VmRef(vm.Uuid, vm.Name), new MigrationRequest(MigrationKind.Migrate, fault.Target, Force: true));
        }
        catch (PvcException e)
        {
            log.Line($"fault {fault} skipped: migrating {vm.Name} to {fault.Target} was refused: {e.Message}");
            return null;
        }
        log.Line($"fault begins: {fault}: {vm.Name} migrates from {vm.Node} to {fault.Target}");
        var uuid = DomainKeys.Format(vm.Uuid);
        var state = DomainKeys.Path(vm.Uuid, DomainKeys.State);
        var sync = DomainKeys.Path(vm.Uuid, DomainKeys.MigrateSyncLock);
        var reached = await WaitForAsync(zk, [state, sync], texts => fault.Variant == 0
            ? texts[1] == uuid
            : texts[0] == "stop" && texts[1] == uuid,
            texts => texts[0] is not ("migrate" or "stop"), NemesisSchedule.ReceiverWait);
        if (!reached)
        {
            log.Line($"fault {fault} skipped: the migration of {vm.Name} never reached that moment");
            return null;
        }
        log.Line($"{fault.Target}: node service killed while receiving {vm.Name}");
        node.KillService();
        return async () =>
        {
            node.Release();
            await node.BootAsync();
        };
    }

    /// <summary>
    /// Waits on watches until the znodes' texts satisfy <paramref name="reached"/> (true), or <paramref name="over"/>
    /// (the moment can no longer come) or the deadline (false).
    /// </summary>
    private static async Task<bool> WaitForAsync(ZooKeeperClient zk, string[] paths, Func<string[], bool> reached, Func<string[], bool> over, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var texts = new string[paths.Length];
                for (var i = 0; i < paths.Length; i++)
                    texts[i] = Encoding.UTF8.GetString((await zk.GetDataAsync(paths[i], _ => changed.TrySetResult(), deadline.Token)).Data);
                if (reached(texts))
                    return true;
                if (over(texts))
                    return false;
                await changed.Task.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (ZooKeeperException)
        {
            return false; // ZooKeeper away (another fault): the moment is lost
        }
    }
}
