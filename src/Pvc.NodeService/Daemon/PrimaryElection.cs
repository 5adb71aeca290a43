using System.Text;
using Microsoft.Extensions.Logging;
using Pvc.Core.Schema;
using Pvc.NodeService.Configuration;
using Pvc.ZooKeeper;
using Pvc.ZooKeeper.Recipes;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// PVC's coordinator election on <c>/config/primary_node</c>: when it reads "none", running coordinators contend
/// under the znode's kazoo-compatible lock and the winner writes its name; the named node takes over
/// (secondary, takeover, primary) and starts the primary duties; a primary that is no longer named relinquishes
/// (relinquish, secondary). A stopping primary writes "none" so that another takes over.
/// The hand-over is ordered, as PVC interlocks its phases: the node taking over starts the duties and writes
/// "primary" only once no other live coordinator is primary, taking over or relinquishing, so there is never a
/// moment with two primaries (two nodes running the primary's duties).
/// </summary>
internal sealed class PrimaryElection(ZooKeeperClient zk, NodeConfig config, IReadOnlyList<IPrimaryDuty> duties, ILogger log)
{
    /// <summary>
    /// How long a node taking over waits for the old primary to relinquish. A live one does so in well under a second;
    /// one that died without being declared dead (its states stale) must not keep the cluster without a primary.
    /// </summary>
    private static readonly TimeSpan StandDownTimeout = TimeSpan.FromSeconds(30);

    private static readonly string[] HoldingRole = ["primary", "takeover", "relinquish"];

    private readonly Signal _changed = new();
    // the loop's actions and the hand-over at stop take turns, and after the hand-over the loop acts no more: else the
    // loop, seeing the new primary, could write "relinquish" after the hand-over's final "secondary"
    private readonly SemaphoreSlim _acting = new(1, 1);
    private bool _handedOver;
    private CancellationTokenSource? _duties;
    private Task _dutiesTask = Task.CompletedTask;
    private (int Version, DateTime Since)? _noneSeen;

    private string RouterPath => NodeKeys.Path(config.NodeName, NodeKeys.RouterState);

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!await RoundAsync(cancellationToken))
                    break;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // a round that failed (ZooKeeper unreachable past the reconnect wait, ...) must not end the election for
                // the rest of the session: after one outage no coordinator would take over from a primary that stops
                log.LogWarning("Primary election: {Message}; trying again", e.Message);
                await Task.Delay(config.KeepaliveInterval, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        await StopDutiesAsync();
    }

    /// <summary>One look at the election and at most one action, then a wait for a change; false once handed over.</summary>
    private async Task<bool> RoundAsync(CancellationToken cancellationToken)
    {
        await _acting.WaitAsync(cancellationToken);
        try
        {
            var primary = await zk.GetDataAsync(BaseKeys.PrimaryNode, _ => _changed.Set(), cancellationToken);
            var named = Encoding.UTF8.GetString(primary.Data);
            var router = Encoding.UTF8.GetString((await zk.GetDataAsync(RouterPath, cancellationToken: cancellationToken)).Data);
            if (_handedOver)
                return false; // the node is stopping: the hand-over had the last word
            if (named is "" or "none")
            {
                // the primary that was asked to step down leaves the election to the others; only when none of
                // them has won for a whole keepalive interval does it take the role back (PVC's keepalive re-assert)
                if (!HoldingRole.Contains(router) || StillNone(primary.Stat.Version))
                    await ContendAsync(primary.Stat.Version, cancellationToken);
            }
            else if (named == config.NodeName && router is not "primary")
                await TakeOverAsync(cancellationToken);
            // "relinquish" too: a relinquish cut short by an error is finished on the next round
            else if (named != config.NodeName && router is "primary" or "takeover" or "relinquish")
                await RelinquishAsync(cancellationToken);
        }
        finally
        {
            _acting.Release();
        }
        // a node that was not running yet when "none" was written tries again at its next keepalive
        await _changed.WaitAsync(config.KeepaliveInterval, cancellationToken);
        return true;
    }

    /// <summary>True when "none" (at this version) has stood for a keepalive interval since this node first saw it.</summary>
    private bool StillNone(int version)
    {
        if (_noneSeen is { } seen && seen.Version == version)
            return DateTime.UtcNow - seen.Since >= config.KeepaliveInterval;
        _noneSeen = (version, DateTime.UtcNow);
        return false;
    }

    private async Task ContendAsync(int version, CancellationToken cancellationToken)
    {
        var daemon = Encoding.UTF8.GetString((await zk.GetDataAsync(NodeKeys.Path(config.NodeName, NodeKeys.DaemonState), cancellationToken: cancellationToken)).Data);
        if (daemon != "run")
            return;
        var electionLock = new ZooKeeperLock(zk, BaseKeys.PrimaryNode, LockKind.Exclusive, config.NodeName);
        if (!await electionLock.TryAcquireAsync(TimeSpan.FromMilliseconds(400), cancellationToken))
            return;
        try
        {
            await zk.SetDataAsync(BaseKeys.PrimaryNode, B(config.NodeName), version, cancellationToken);
            log.LogInformation("Elected primary coordinator");
        }
        catch (BadVersionException)
        {
            // another coordinator won
        }
        finally
        {
            await electionLock.ReleaseAsync();
        }
    }

    private async Task TakeOverAsync(CancellationToken cancellationToken)
    {
        log.LogInformation("Taking over as primary coordinator");
        await zk.SetDataAsync(RouterPath, B("takeover"), cancellationToken: cancellationToken);
        if (!await WaitForOthersToStandDownAsync(cancellationToken))
        {
            log.LogInformation("No longer named primary; taking over abandoned");
            await zk.SetDataAsync(RouterPath, B("secondary"), cancellationToken: cancellationToken);
            return;
        }
        await StopDutiesAsync();
        _duties = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = _duties.Token;
        _dutiesTask = Task.WhenAll(duties.Select(d => RunDutyAsync(d, token)));
        await zk.SetDataAsync(RouterPath, B("primary"), cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Waits, on watches, until no other live coordinator holds the role (primary, takeover or relinquish); false when
    /// meanwhile this node is no longer the one named (another request came), so that it must not take over.
    /// </summary>
    private async Task<bool> WaitForOthersToStandDownAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StandDownTimeout;
        while (true)
        {
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Wake(WatchedEvent _) => changed.TrySetResult();
            if (Encoding.UTF8.GetString((await zk.GetDataAsync(BaseKeys.PrimaryNode, Wake, cancellationToken)).Data) != config.NodeName)
                return false;
            var holding = new List<string>();
            foreach (var other in config.CoordinatorNodes.Where(n => n != config.NodeName))
            {
                var router = await ReadWatchedAsync(NodeKeys.Path(other, NodeKeys.RouterState), Wake, cancellationToken);
                var daemon = await ReadWatchedAsync(NodeKeys.Path(other, NodeKeys.DaemonState), Wake, cancellationToken);
                // a node whose service is stopped, dead or fenced runs no duties, whatever its stale state says
                if (HoldingRole.Contains(router) && daemon is "init" or "run" or "shutdown")
                    holding.Add($"{other} ({router})");
            }
            if (holding.Count == 0)
                return true;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                log.LogWarning("Taking over although {Nodes} did not stand down within {Seconds} s", string.Join(", ", holding), StandDownTimeout.TotalSeconds);
                return true;
            }
            await changed.Task.WaitAsync(left, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>A znode's text with a watch on it; "" for a node that is not (or no longer) registered.</summary>
    private async Task<string> ReadWatchedAsync(string path, Watcher watch, CancellationToken cancellationToken)
    {
        try
        {
            return Encoding.UTF8.GetString((await zk.GetDataAsync(path, watch, cancellationToken)).Data);
        }
        catch (NoNodeException)
        {
            return "";
        }
    }

    private async Task RunDutyAsync(IPrimaryDuty duty, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await duty.RunAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning("Primary duty {Duty} failed: {Message}; restarting it", duty.Name, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task RelinquishAsync(CancellationToken cancellationToken)
    {
        log.LogInformation("Relinquishing the primary coordinator role");
        await zk.SetDataAsync(RouterPath, B("relinquish"), cancellationToken: cancellationToken);
        await StopDutiesAsync();
        await zk.SetDataAsync(RouterPath, B("secondary"), cancellationToken: cancellationToken);
    }

    private async Task StopDutiesAsync()
    {
        // a stop (HandOverAsync) and the election loop's relinquish may both get here: only one stops the duties
        if (Interlocked.Exchange(ref _duties, null) is not { } running)
            return;
        await running.CancelAsync();
        await _dutiesTask.ContinueWith(_ => { }, TaskScheduler.Default);
        running.Dispose();
    }

    /// <summary>At service stop: a primary hands over ("none"), stops its duties and becomes secondary.</summary>
    public async Task HandOverAsync(CancellationToken cancellationToken)
    {
        await _acting.WaitAsync(cancellationToken);
        try
        {
            _handedOver = true;
            await HandOverNowAsync(cancellationToken);
        }
        finally
        {
            _acting.Release();
        }
    }

    private async Task HandOverNowAsync(CancellationToken cancellationToken)
    {
        var primary = await zk.GetDataAsync(BaseKeys.PrimaryNode, cancellationToken: cancellationToken);
        if (Encoding.UTF8.GetString(primary.Data) == config.NodeName)
        {
            try
            {
                await zk.SetDataAsync(BaseKeys.PrimaryNode, B("none"), primary.Stat.Version, cancellationToken);
            }
            catch (BadVersionException)
            {
            }
        }
        await StopDutiesAsync();
        if (config.IsCoordinator)
            await zk.SetDataAsync(RouterPath, B("secondary"), cancellationToken: cancellationToken);
    }
}
