using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Tasks;
using Pvc.NodeService.Ceph;

namespace Pvc.NodeService.Tasks;

/// <summary>
/// Runs the cluster tasks routed to this node: watches its queue (<c>/tasks/queue/&lt;node&gt;</c>, a child watch),
/// claims each task (a version-checked Pending to Running with this session recorded, so exactly one runner wins),
/// runs its handler, and writes its progress and its result or error. One loop of a node session: at its start the
/// tasks an earlier session of this node left Running are handed over or failed (<see cref="ClusterTaskRecovery"/>),
/// then each handler sweeps what its killed work left (<see cref="IClusterTaskHandler.SweepAsync"/>);
/// when the session or the service ends, running handlers are cancelled and their tasks failed "TaskCancelled".
/// </summary>
internal sealed class ClusterTaskRunner
{
    private static readonly TimeSpan FinalWriteTimeout = TimeSpan.FromSeconds(10);
    private readonly ClusterConnection _cluster;
    private readonly ClusterTaskHostOperations _ops;
    private readonly Dictionary<string, IClusterTaskHandler> _handlers;
    private readonly RadosCluster? _ceph;
    private readonly Libvirt.Hypervisor? _hypervisor;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    /// <exception cref="ArgumentException">Two handlers of one kind.</exception>
    public ClusterTaskRunner(ClusterConnection cluster, string nodeName, IEnumerable<IClusterTaskHandler> handlers, RadosCluster? ceph, ILogger log, Libvirt.Hypervisor? hypervisor = null)
    {
        _hypervisor = hypervisor;
        _cluster = cluster;
        _ops = new ClusterTaskHostOperations(cluster, nodeName);
        _handlers = new(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            if (!_handlers.TryAdd(handler.Kind, handler))
                throw new ArgumentException($"Two task handlers run kind '{handler.Kind}': {_handlers[handler.Kind].GetType().Name} and {handler.GetType().Name}.", nameof(handlers));
        }
        _ceph = ceph;
        _log = log;
    }

    /// <summary>The kinds this runner has handlers for.</summary>
    public IReadOnlyCollection<string> Kinds => _handlers.Keys;

    /// <summary>How long the loop waits after a failed read of the queue (the connection lost) before it reads again.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var outcome in await _ops.RecoverInterruptedAsync(cancellationToken))
                _log.LogWarning("Task {Id} ({Kind}) was running here when this node's service last stopped: {Outcome}", outcome.Task.Id, outcome.Task.Kind,
                    outcome.HandedTo is { } to ? $"handed to {to} to run again" : outcome.Task.Error);
        }
        catch (Exception e) when (e is not OperationCanceledException && PvcException.From(e) is not null)
        {
            _log.LogWarning("The tasks an earlier run of this service left running could not be settled: {Message}", e.Message);
        }
        // what handlers killed mid-way left on this node (nothing of this run is claimed yet)
        foreach (var handler in _handlers.Values)
        {
            try
            {
                await handler.SweepAsync(_cluster, _log, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.LogWarning("The start-up sweep of task kind {Kind} failed: {Message}", handler.Kind, e.Message);
            }
        }
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    foreach (var id in await _ops.QueuedAsync(() => changed.TrySetResult(), cancellationToken))
                        Start(id, cancellationToken);
                    await changed.Task.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (PvcException.From(e) is not null)
                {
                    // without a new read (which arms the watch again) no new task would be heard this session
                    _log.LogWarning("Task queue watch: {Message}; reading it again", e.Message);
                    await Task.Delay(RetryDelay, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
        }
        finally
        {
            await Task.WhenAll(_running.Values);
        }
    }

    /// <summary>Runs a queued id unless it runs already (its marker stays until the claim removes it).</summary>
    private void Start(string id, CancellationToken cancellationToken)
    {
        // the placeholder is in before the run starts, and the run removes its id when done: a run that ends before the
        // assignment below leaves nothing behind, so the id runs again if it is ever queued here again
        var placeholder = Task.CompletedTask;
        if (!_running.TryAdd(id, placeholder))
            return;
        _running.TryUpdate(id, RunTrackedAsync(id, cancellationToken), placeholder);
    }

    private async Task RunTrackedAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Yield();
            await RunOneAsync(id, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // a bug here must not end the runner (and with it the node session): the task stays queued for the next read
            _log.LogError(e, "Task {Id}: {Message}", id, e.Message);
        }
        finally
        {
            _running.TryRemove(id, out _);
        }
    }

    private async Task RunOneAsync(string id, CancellationToken cancellationToken)
    {
        await Task.Yield();
        ClusterTask? current = null;
        try
        {
            if (await _ops.ReadQueuedAsync(id, cancellationToken) is not { } task)
                return;
            if (!_handlers.TryGetValue(task.Kind, out var handler))
            {
                _log.LogError("Task {Id}: no handler for kind {Kind} on this node", id, task.Kind);
                await _ops.RefuseAsync(task, PvcErrorKind.InvalidOperation, PvcErrorIds.TaskKindUnknown,
                    $"The node service on {_ops.NodeName} has no handler for task kind '{task.Kind}' (it runs {string.Join(", ", _handlers.Keys.Order(StringComparer.Ordinal))}): it is older than the client, or the kind is misspelt. Update the node services, or route the task to a node that runs it.",
                    cancellationToken);
                return;
            }
            if (await _ops.ClaimAsync(task, handler.IsSafeToRepeat(task.Arguments), cancellationToken) is not { } claimed)
                return; // another writer got there first (a hand-over, or a second runner of a misconfigured node)
            current = claimed;
            _log.LogInformation("Task {Id} ({Kind}) claimed; running", id, task.Kind);
            using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var gate = new SemaphoreSlim(1);
            var context = new ClusterTaskContext(claimed, _cluster, _ops.NodeName, _ceph, _log, async (progress, ct) =>
            {
                await gate.WaitAsync(ct);
                try
                {
                    current = await _ops.ReportAsync(current!, progress, ct);
                }
                catch (PvcException e) when (e.ErrorId == PvcErrorIds.TaskTakenOver)
                {
                    await work.CancelAsync();
                    throw;
                }
                finally
                {
                    gate.Release();
                }
            }) { Hypervisor = _hypervisor };
            JsonNode? result;
            try
            {
                result = await handler.RunAsync(context, work.Token);
            }
            finally
            {
                await gate.WaitAsync(CancellationToken.None); // no report is under way while the end is written
            }
            // the work is done: its result is written even when the service began stopping meanwhile
            using (var deadline = new CancellationTokenSource(FinalWriteTimeout))
                current = await _ops.SucceedAsync(current, result, deadline.Token);
            _log.LogInformation("Task {Id} ({Kind}) succeeded", id, task.Kind);
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.TaskTakenOver)
        {
            _log.LogWarning("{Message}", e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (current is not null)
                await FinishAsync(current, PvcErrorKind.ResourceUnavailable, PvcErrorIds.TaskCancelled,
                    $"The node service on {_ops.NodeName} stopped while the task ran; the task was cancelled. Check what it did, then submit it again.");
        }
        catch (Exception e) when (current is not null && e is not OutOfMemoryException)
        {
            var (kind, errorId) = e is PvcException p ? (p.Kind, p.ErrorId) : (PvcErrorKind.InvalidOperation, PvcErrorIds.TaskFailed);
            _log.LogWarning("Task {Id} ({Kind}) failed: {Message}", id, current.Kind, e.Message);
            // a refusal's Detail, when it is JSON, is what the failed work left behind (the task's result)
            await FinishAsync(current, kind, errorId, e.Message, (e as PvcException)?.Detail as JsonNode);
        }
        catch (Exception e) when (PvcException.From(e) is not null)
        {
            _log.LogWarning("Task {Id}: {Message}", id, e.Message);
        }
    }

    /// <summary>Writes a failure even while the service stops (a short deadline of its own); a failed write is logged.</summary>
    private async Task FinishAsync(ClusterTask current, PvcErrorKind kind, string errorId, string message, JsonNode? result = null)
    {
        using var deadline = new CancellationTokenSource(FinalWriteTimeout);
        try
        {
            await _ops.FailAsync(current, kind, errorId, message, result, deadline.Token);
        }
        catch (Exception e) when (e is OperationCanceledException || PvcException.From(e) is not null)
        {
            _log.LogWarning("Task {Id}: its failure could not be recorded ({Message}); the next start of this node's runner, or its fencing, settles it", current.Id, e.Message);
        }
    }
}
