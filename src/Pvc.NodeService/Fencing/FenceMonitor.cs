using Microsoft.Extensions.Logging;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Fencing;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Fencing;

/// <summary>
/// PVC's fence monitor. It runs on every coordinator, but works only while holding the exclusive lock on
/// <c>/config/fence_lock</c> (kazoo-compatible, so a PVC coordinator and a Pvc one never fence at once); when the
/// holder dies its session ends, the lock passes to the next coordinator in line, and that one carries on, including
/// any node the previous holder had marked dead but not finished fencing. Fences run one at a time. Nothing is
/// fenced while the cluster is in maintenance. Reads and writes are Core's <see cref="FenceOperations"/>.
/// </summary>
internal sealed class FenceMonitor(FenceOperations fence, SessionWatch session, NodeConfig config, NodeFencer fencer, ILogger log, TimeProvider time)
{
    private readonly Dictionary<string, long> _lastAttempt = new(StringComparer.Ordinal);
    private int _cutOffsSeen;

    /// <summary>How often the keepalives are read: twice an interval, so a death is seen within half an interval.</summary>
    private TimeSpan Period => config.KeepaliveInterval / 2;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // the power-ons this node owes, tried every interval on their own: outside the lock (a coordinator waiting
        // for it is no less their owner), and never keeping this one from contending for it
        var powerOns = RetryPowerOnsAsync(cancellationToken);
        try
        {
            // only cancellation ends this loop: a monitor that died on an error while holding the lock would leave
            // the cluster without a fencer for as long as this session lives
            while (!cancellationToken.IsCancellationRequested)
            {
                var fenceLock = fence.FenceLock();
                try
                {
                    await fenceLock.AcquireAsync(cancellationToken);
                    log.LogInformation("Fence monitor running on this coordinator");
                    await MonitorAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError("Fence monitor: {Message}; starting over", e.Message);
                }
                finally
                {
                    await ReleaseAsync(fenceLock);
                }
                await Task.Delay(config.KeepaliveInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        try
        {
            await powerOns;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The power-ons this node owes, tried every keepalive interval until cancelled; an error is logged and tried again.</summary>
    private async Task RetryPowerOnsAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await fencer.FinishPowerOnsAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError("Fence monitor: powering on a node this node fenced: {Message}; trying again", e.Message);
            }
            await Task.Delay(config.KeepaliveInterval, cancellationToken);
        }
    }

    /// <summary>Gives the lock up; when ZooKeeper cannot be reached its node goes with the session.</summary>
    private async Task ReleaseAsync(ClusterLock fenceLock)
    {
        if (await fenceLock.ReleaseAsync() is { } failure)
            log.LogWarning("Fence lock release: {Message}", failure);
    }

    private async Task MonitorAsync(CancellationToken cancellationToken)
    {
        var tracker = new KeepaliveTracker(time);
        _cutOffsSeen = session.Interruptions;
        using var timer = new PeriodicTimer(Period, time);
        do
        {
            try
            {
                await CheckAsync(tracker, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // one bad round (ZooKeeper away, a fence that threw) must not end the monitor
                log.LogWarning("Fence monitor: {Message}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private async Task CheckAsync(KeepaliveTracker tracker, CancellationToken cancellationToken)
    {
        var cutOffs = session.Interruptions;
        var round = await fence.ReadRoundAsync(cancellationToken);
        if (round.Maintenance)
        {
            tracker.Restart();
            return;
        }
        if (cutOffs != _cutOffsSeen || cutOffs != session.Interruptions)
        {
            // cut off before or during these reads: what was not seen then says nothing about the nodes, and answers
            // queued across the outage are old; every node gets the full threshold again
            _cutOffsSeen = session.Interruptions;
            tracker.Restart();
            return;
        }
        foreach (var node in round.Nodes)
        {
            // the keepalive's write (its zxid), not its text: PVC's epoch has one-second steps
            var silent = tracker.Observe(node.Name, node.KeepaliveWrite?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            switch (node.State)
            {
                case NodeDaemonState.Run when silent > fencer.DeathThreshold && node.KeepaliveWrite is not null:
                    Record(node.Name, await fencer.DeclareDeadAndFenceAsync(node.Name, silent, node.KeepaliveVersion, cancellationToken));
                    break;
                case NodeDaemonState.Dead when RetryDue(node.Name):
                    // marked dead by a monitor that died while fencing it, or a fence that failed: fence it (again)
                    Record(node.Name, await fencer.FenceAsync(node.Name, silent, cancellationToken));
                    break;
            }
        }
    }

    /// <summary>
    /// A node left dead (a failed fence, or VMs moved without one) is tried again after a death threshold, so a BMC
    /// that comes back gets used, without holding up the watch on the other nodes.
    /// </summary>
    private bool RetryDue(string node) =>
        !_lastAttempt.TryGetValue(node, out var at) || time.GetElapsedTime(at) > fencer.DeathThreshold;

    private void Record(string node, FenceOutcome outcome)
    {
        if (outcome is FenceOutcome.Failed or FenceOutcome.RecoveredWithoutFence)
            _lastAttempt[node] = time.GetTimestamp();
        else
            _lastAttempt.Remove(node);
    }
}
