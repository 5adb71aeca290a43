using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pvc.Core.Health;
using Pvc.Core.Nodes;

namespace Pvc.NodeService.Health;

/// <summary>
/// The node's health monitor (PVC's pvchealthd MonitoringInstance), one loop of the node session: sets the plugins up
/// concurrently and keeps those that apply (the others are unloaded, with a log line saying why), records them,
/// then every monitoring interval runs them all concurrently and writes their results, the node's health (100
/// minus their deltas) and a fault per plugin that found a problem. A plugin that throws or does not finish within
/// the interval counts <see cref="FailureDelta"/>. When the loop stops the plugins clean up and the health is
/// written as unknown ("None"), as PVC's.
/// </summary>
internal sealed class NodeHealthMonitor(NodeHealthHostOperations node, IReadOnlyList<IHealthPlugin> candidates, TimeSpan interval, ILogger log)
{
    /// <summary>What a plugin that throws or does not finish takes off the node's health.</summary>
    public const int FailureDelta = 10;

    private string? _lastError;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var plugins = await SetUpAsync(cancellationToken);
        try
        {
            await RetryAsync("recording the health plugins", () => node.LoadPluginsAsync([.. plugins.Select(p => p.Name)], cancellationToken), cancellationToken);
            using var timer = new PeriodicTimer(interval);
            do
            {
                try
                {
                    var results = await Task.WhenAll(plugins.Select(p => RunOneAsync(p, cancellationToken)));
                    var health = await node.WriteResultsAsync(results, cancellationToken);
                    log.LogDebug("Node health {Health}% from {Count} plugin(s)", health, results.Length);
                    _lastError = null;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
                {
                    Warn(e);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default));
        }
        finally
        {
            await StopAsync(plugins);
        }
    }

    private async Task<IReadOnlyList<IHealthPlugin>> SetUpAsync(CancellationToken cancellationToken)
    {
        var setups = await Task.WhenAll(candidates.Select(async p =>
        {
            try
            {
                return (Plugin: p, Reason: await p.SetupAsync(cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return (Plugin: p, Reason: (string?)$"its setup failed: {e.Message}");
            }
        }));
        foreach (var (plugin, reason) in setups)
        {
            if (reason is null)
                log.LogInformation("Health plugin {Plugin} loaded", plugin.Name);
            else
                log.LogInformation("Health plugin {Plugin} not loaded: {Reason}", plugin.Name, reason);
        }
        return [.. setups.Where(s => s.Reason is null).Select(s => s.Plugin)];
    }

    private async Task<NodeHealthPlugin> RunOneAsync(IHealthPlugin plugin, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(interval);
        HealthPluginOutcome outcome;
        try
        {
            outcome = await plugin.RunAsync(deadline.Token).WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = new HealthPluginOutcome(FailureDelta, $"The plugin did not finish within {interval.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            outcome = new HealthPluginOutcome(FailureDelta, $"The plugin failed: {e.Message}");
        }
        return new NodeHealthPlugin
        {
            Name = plugin.Name,
            HealthDelta = Math.Max(0, outcome.HealthDelta),
            Message = outcome.Message,
            Data = outcome.Data,
            LastRun = started,
            Runtime = clock.Elapsed,
        };
    }

    private async Task StopAsync(IReadOnlyList<IHealthPlugin> plugins)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await Task.WhenAll(plugins.Select(async p =>
        {
            try
            {
                await p.CleanupAsync(deadline.Token);
            }
            catch (Exception e)
            {
                log.LogWarning("Health plugin {Plugin} cleanup failed: {Message}", p.Name, e.Message);
            }
        }));
        try
        {
            await node.ClearHealthAsync(deadline.Token);
        }
        catch (Exception e)
        {
            // the session may be gone already: the fencer or the next start writes it
            log.LogDebug("Node health not cleared: {Message}", e.Message);
        }
    }

    private async Task RetryAsync(string what, Func<Task> action, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await action();
                _lastError = null;
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
            {
                Warn(e, what);
                await Task.Delay(interval, cancellationToken);
            }
        }
    }

    private void Warn(Exception e, string what = "writing the node's health")
    {
        if (e.Message != _lastError)
            log.LogWarning("Node health monitor: {What} failed: {Message}", what, e.Message);
        _lastError = e.Message;
    }
}
