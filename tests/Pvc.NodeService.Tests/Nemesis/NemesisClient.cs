using System.Collections.Concurrent;
using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// The clients: two of them, taking the schedule's operations in turn, each issuing one at a time through Core as a
/// cmdlet with -Wait does (the change, then the wait for the node's effect, with a deadline). A refusal is no
/// violation; what a start or stop that was written asked for is recorded (<see cref="Intents"/>) and checked once
/// the faults heal.
/// </summary>
internal sealed class NemesisClient(NemesisLab lab, NemesisResult result, NemesisLog log)
{
    private const int Clients = 2;
    private static readonly TimeSpan OpTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<Guid, VmIntent> _intents = new(lab.Vms.Values.ToDictionary(v => v.Uuid, _ => VmIntent.Run));

    /// <summary>What the clients last asked of each VM.</summary>
    public IReadOnlyDictionary<Guid, VmIntent> Intents => _intents;

    /// <summary>Issues the operations at their times until <paramref name="stop"/>; returns when the last one issued ended.</summary>
    public Task RunAsync(TimeSpan start, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, Clients).Select(c => ClientAsync(result.Schedule.OpList.Where((_, i) => i % Clients == c).ToList(), start, stop)));

    private async Task ClientAsync(IReadOnlyList<ScheduledOp> ops, TimeSpan start, CancellationToken stop)
    {
        foreach (var op in ops)
        {
            if (!await NemesisClock.WaitUntilAsync(log, start + op.At, stop))
                return;
            var outcome = await ExecuteAsync(op);
            result.Count(outcome.Outcome);
            log.Line($"client {op.Kind}{(op.Vm is null ? "" : $" {op.Vm}")}{(op.Node is null ? "" : $" {op.Node}")}: {outcome.Outcome}{(outcome.Detail is null ? "" : $" ({outcome.Detail})")}");
        }
    }

    private async Task<(OpOutcome Outcome, string? Detail)> ExecuteAsync(ScheduledOp op)
    {
        var vms = new VmOperations(lab.Connection);
        var nodes = new NodeOperations(lab.Connection);
        var vm = op.Vm is null ? null : lab.Vms[op.Vm];
        // beyond the -Wait's own deadline: a ZooKeeper call that hangs must not hold the client past the run
        using var deadline = new CancellationTokenSource(FlushTimeout + TimeSpan.FromSeconds(30));
        var token = deadline.Token;
        var written = false;
        try
        {
            switch (op.Kind)
            {
                case ClientOpKind.Migrate or ClientOpKind.Move or ClientOpKind.Unmigrate:
                    var kind = op.Kind switch { ClientOpKind.Migrate => MigrationKind.Migrate, ClientOpKind.Move => MigrationKind.Move, _ => MigrationKind.Unmigrate };
                    await vms.MigrateAsync(vm!, new MigrationRequest(kind, op.Kind == ClientOpKind.Unmigrate ? null : op.Node, Force: op.Kind == ClientOpKind.Migrate), token);
                    written = true;
                    await vms.WaitSettledAsync(vm!, OpTimeout, cancellationToken: token);
                    break;
                case ClientOpKind.Start:
                    await vms.StartAsync(vm!, cancellationToken: token);
                    written = true;
                    _intents[vm!.Uuid] = VmIntent.Run;
                    await vms.WaitRunningAsync(vm, OpTimeout, cancellationToken: token);
                    break;
                case ClientOpKind.Stop:
                    await vms.StopAsync(vm!, cancellationToken: token);
                    written = true;
                    _intents[vm!.Uuid] = VmIntent.Stopped;
                    // PVC's unflush starts a VM that carries autostart (put there when a flush or a fence found no
                    // node for it) even after a stop: that start is PVC's behaviour, not a lost stop
                    if ((await lab.Connection.Vms.GetAsync(vm.Uuid, token)).Autostart)
                        _intents[vm.Uuid] = VmIntent.Either;
                    await vms.WaitStoppedAsync(vm, OpTimeout, cancellationToken: token);
                    break;
                case ClientOpKind.Flush:
                    await nodes.FlushAsync(op.Node!, token);
                    written = true;
                    await nodes.WaitFlushedAsync(op.Node!, FlushTimeout, cancellationToken: token);
                    break;
                case ClientOpKind.Ready:
                    await nodes.ReadyAsync(op.Node!, token);
                    written = true;
                    await nodes.WaitForDomainStateAsync(op.Node!, [NodeDomainState.Ready], OpTimeout, cancellationToken: token);
                    break;
            }
            return (OpOutcome.Done, null);
        }
        catch (PvcException e) when (!written && e.Kind != PvcErrorKind.OperationTimeout)
        {
            return (OpOutcome.Refused, $"{e.ErrorId}: {e.Message}");
        }
        catch (PvcException e)
        {
            return (OpOutcome.Unsettled, $"{e.ErrorId}: {e.Message}");
        }
        catch (Exception e) when (e is ZooKeeperException or OperationCanceledException or TimeoutException)
        {
            if (written)
                return (OpOutcome.Unsettled, $"{e.GetType().Name}: {e.Message}");
            // the write may have reached ZooKeeper before the connection broke: either outcome is right
            if (vm is not null && op.Kind is ClientOpKind.Start or ClientOpKind.Stop)
                _intents[vm.Uuid] = VmIntent.Either;
            return (OpOutcome.Failed, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
