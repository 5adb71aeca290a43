using Microsoft.Extensions.Logging;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.NodeService.Configuration;
using Pvc.ZooKeeper;
using Pvc.ZooKeeper.Recipes;

namespace Pvc.NodeService.Fencing;

/// <summary>
/// PVC's fence monitor. It runs on every coordinator, but works only while holding the exclusive lock on
/// <c>/config/fence_lock</c> (kazoo-compatible, so a PVC coordinator and a Pvc one never fence at once); when the
/// holder dies its session ends, the lock passes to the next coordinator in line, and that one carries on, including
/// any node the previous holder had marked dead but not finished fencing. Fences run one at a time. Nothing is
/// fenced while the cluster is in maintenance.
/// </summary>
internal sealed class FenceMonitor(ZooKeeperClient zk, NodeConfig config, NodeFencer fencer, ILogger log, TimeProvider time)
{
    private readonly Dictionary<string, long> _lastAttempt = new(StringComparer.Ordinal);
    private int _cutOffs;
    private int _cutOffsSeen;

    /// <summary>How often the keepalives are read: twice an interval, so a death is seen within half an interval.</summary>
    private TimeSpan Period => config.KeepaliveInterval / 2;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        void OnState(object? sender, ZooKeeperStateChangedEventArgs e)
        {
            if (e.Current != ZooKeeperState.Connected)
                Interlocked.Increment(ref _cutOffs);
        }
        zk.StateChanged += OnState;
        try
        {
            // only cancellation ends this loop: a monitor that died on an error while holding the lock would leave
            // the cluster without a fencer for as long as this session lives
            while (!cancellationToken.IsCancellationRequested)
            {
                var fenceLock = new ZooKeeperLock(zk, BaseKeys.FenceLock, LockKind.Exclusive, config.NodeName);
                try
                {
                    await fenceLock.AcquireAsync(cancellationToken: cancellationToken);
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
        finally
        {
            zk.StateChanged -= OnState;
        }
    }

    /// <summary>Gives the lock up; when ZooKeeper cannot be reached its node goes with the session.</summary>
    private async Task ReleaseAsync(ZooKeeperLock fenceLock)
    {
        try
        {
            await fenceLock.ReleaseAsync();
        }
        catch (ZooKeeperException e)
        {
            log.LogWarning("Fence lock release: {Message}", e.Message);
        }
    }

    private async Task MonitorAsync(CancellationToken cancellationToken)
    {
        var tracker = new KeepaliveTracker(time);
        _cutOffsSeen = Volatile.Read(ref _cutOffs);
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
        var cutOffs = Volatile.Read(ref _cutOffs);
        var batch = new ZnodeBatch(zk).Data(BaseKeys.Maintenance).Children(BaseKeys.Nodes);
        await batch.ReadAsync(cancellationToken);
        if (PvcBool.Decode(batch.Text(BaseKeys.Maintenance)))
        {
            tracker.Restart();
            return;
        }
        var nodes = LockNodes.Without(batch.ChildrenOf(BaseKeys.Nodes) ?? []).Where(n => n != config.NodeName).ToList();
        var states = new ZnodeBatch(zk);
        foreach (var node in nodes)
            states.Data(NodeKeys.Path(node, NodeKeys.Keepalive)).Data(NodeKeys.Path(node, NodeKeys.DaemonState));
        await states.ReadAsync(cancellationToken);
        if (cutOffs != _cutOffsSeen || cutOffs != Volatile.Read(ref _cutOffs))
        {
            // cut off before or during these reads: what was not seen then says nothing about the nodes, and answers
            // queued across the outage are old; every node gets the full threshold again
            _cutOffsSeen = Volatile.Read(ref _cutOffs);
            tracker.Restart();
            return;
        }
        foreach (var node in nodes)
        {
            // the keepalive's write (its zxid), not its text: PVC's epoch has one-second steps
            var keepalive = states.StatOf(NodeKeys.Path(node, NodeKeys.Keepalive));
            var silent = tracker.Observe(node, keepalive?.ModifiedZxid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            switch (states.Text(NodeKeys.Path(node, NodeKeys.DaemonState)))
            {
                case "run" when silent > fencer.DeathThreshold && keepalive is not null:
                    Record(node, await fencer.DeclareDeadAndFenceAsync(node, silent, keepalive.Version, cancellationToken));
                    break;
                case "dead" when RetryDue(node):
                    // marked dead by a monitor that died while fencing it, or a fence that failed: fence it (again)
                    Record(node, await fencer.FenceAsync(node, silent, cancellationToken));
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
