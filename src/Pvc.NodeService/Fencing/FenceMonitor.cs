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
    private volatile bool _wasCutOff;

    /// <summary>How often the keepalives are read: twice an interval, so a death is seen within half an interval.</summary>
    private TimeSpan Period => config.KeepaliveInterval / 2;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var fenceLock = new ZooKeeperLock(zk, BaseKeys.FenceLock, LockKind.Exclusive, config.NodeName);
        void OnState(object? sender, ZooKeeperStateChangedEventArgs e)
        {
            if (e.Current != ZooKeeperState.Connected)
                _wasCutOff = true;
        }
        zk.StateChanged += OnState;
        try
        {
            await fenceLock.AcquireAsync(cancellationToken: cancellationToken);
            log.LogInformation("Fence monitor running on this coordinator");
            await MonitorAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            zk.StateChanged -= OnState;
            if (zk.State == ZooKeeperState.Connected)
                await fenceLock.ReleaseAsync();
        }
    }

    private async Task MonitorAsync(CancellationToken cancellationToken)
    {
        var tracker = new KeepaliveTracker(time);
        using var timer = new PeriodicTimer(Period, time);
        do
        {
            try
            {
                await CheckAsync(tracker, cancellationToken);
            }
            catch (ZooKeeperException e)
            {
                log.LogWarning("Fence monitor: {Message}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private async Task CheckAsync(KeepaliveTracker tracker, CancellationToken cancellationToken)
    {
        if (_wasCutOff)
        {
            // what was not seen while cut off says nothing about the nodes: every node gets the full threshold again
            _wasCutOff = false;
            tracker.Restart();
        }
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
        foreach (var node in nodes)
        {
            // the keepalive's write (its zxid), not its text: PVC's epoch has one-second steps
            var written = states.StatOf(NodeKeys.Path(node, NodeKeys.Keepalive))?.ModifiedZxid.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var silent = tracker.Observe(node, written);
            switch (states.Text(NodeKeys.Path(node, NodeKeys.DaemonState)))
            {
                case "run" when silent > fencer.DeathThreshold:
                    Record(node, await fencer.DeclareDeadAndFenceAsync(node, silent, cancellationToken));
                    break;
                case "dead" when RetryDue(node):
                    // marked dead by a monitor that died while fencing it, or a fence that failed: fence it (again)
                    Record(node, await fencer.FenceAsync(node, silent, cancellationToken));
                    break;
            }
        }
    }

    /// <summary>A failed fence is tried again after a death threshold, so a BMC that comes back gets used.</summary>
    private bool RetryDue(string node) =>
        !_lastAttempt.TryGetValue(node, out var at) || time.GetElapsedTime(at) > fencer.DeathThreshold;

    private void Record(string node, FenceOutcome outcome)
    {
        if (outcome == FenceOutcome.Failed)
            _lastAttempt[node] = time.GetTimestamp();
        else
            _lastAttempt.Remove(node);
    }
}
