using Microsoft.Extensions.Logging;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// PVC's coordinator election on <c>/config/primary_node</c>: when it reads "none", running coordinators contend
/// under the znode's kazoo-compatible lock and the winner writes its name; the named node takes over
/// (secondary, takeover, primary) and starts the primary duties; a primary that is no longer named relinquishes
/// (relinquish, secondary). A stopping primary writes "none" so that another takes over.
/// The hand-over is ordered, as PVC interlocks its phases: the node taking over starts the duties and writes
/// "primary" only once no other live coordinator is primary, taking over or relinquishing, so there is never a
/// moment with two primaries (two nodes running the primary's duties). Reads and writes are Core's
/// <see cref="CoordinatorHostOperations"/>.
/// </summary>
internal sealed class PrimaryElection(CoordinatorHostOperations coordinator, NodeConfig config, IReadOnlyList<IPrimaryDuty> duties, ILogger log)
{
    /// <summary>
    /// How long a node taking over waits for the old primary to relinquish. A live one does so in well under a second;
    /// one that died without being declared dead (its states stale) must not keep the cluster without a primary.
    /// </summary>
    private static readonly TimeSpan StandDownTimeout = TimeSpan.FromSeconds(30);

    private readonly Signal _changed = new();
    // the loop's actions and the hand-over at stop take turns, and after the hand-over the loop acts no more: else the
    // loop, seeing the new primary, could write "relinquish" after the hand-over's final "secondary"
    private readonly SemaphoreSlim _acting = new(1, 1);
    private bool _handedOver;
    private CancellationTokenSource? _duties;
    private Task _dutiesTask = Task.CompletedTask;
    private (int Version, long Since)? _noneSeen; // Since: a Stopwatch timestamp (monotonic)
    private Action? _onChange;

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
            _onChange ??= _changed.Set;
            var primary = await coordinator.ReadPrimaryAsync(_onChange, cancellationToken);
            var role = await coordinator.ReadRoleAsync(cancellationToken);
            var holdsRole = role is CoordinatorState.Primary or CoordinatorState.Takeover or CoordinatorState.Relinquish;
            if (_handedOver)
                return false; // the node is stopping: the hand-over had the last word
            if (primary.Name is null)
            {
                // the primary that was asked to step down leaves the election to the others; only when none of
                // them has won for a whole keepalive interval does it take the role back (PVC's keepalive re-assert)
                if (!holdsRole || StillNone(primary.Version))
                    await ContendAsync(primary.Version, cancellationToken);
            }
            else if (primary.Name == config.NodeName && role != CoordinatorState.Primary)
                await TakeOverAsync(cancellationToken);
            // "relinquish" too: a relinquish cut short by an error is finished on the next round
            else if (primary.Name != config.NodeName && holdsRole)
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
            return System.Diagnostics.Stopwatch.GetElapsedTime(seen.Since) >= config.KeepaliveInterval;
        _noneSeen = (version, System.Diagnostics.Stopwatch.GetTimestamp());
        return false;
    }

    private async Task ContendAsync(int version, CancellationToken cancellationToken)
    {
        if (await coordinator.ReadDaemonStateAsync(cancellationToken) != NodeDaemonState.Run)
            return;
        if (await coordinator.ClaimPrimaryAsync(version, TimeSpan.FromMilliseconds(400), cancellationToken))
            log.LogInformation("Elected primary coordinator");
    }

    private async Task TakeOverAsync(CancellationToken cancellationToken)
    {
        log.LogInformation("Taking over as primary coordinator");
        await coordinator.BeginTakeoverAsync(cancellationToken);
        if (!await WaitForOthersToStandDownAsync(cancellationToken))
        {
            log.LogInformation("No longer named primary; taking over abandoned");
            await coordinator.BecomeSecondaryAsync(cancellationToken);
            return;
        }
        await StopDutiesAsync();
        _duties = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = _duties.Token;
        _dutiesTask = Task.WhenAll(duties.Select(d => RunDutyAsync(d, token)));
        await coordinator.CompleteTakeoverAsync(cancellationToken);
    }

    /// <summary>
    /// Waits, on watches, until no other live coordinator holds the role (primary, takeover or relinquish); false when
    /// meanwhile this node is no longer the one named (another request came), so that it must not take over.
    /// </summary>
    private async Task<bool> WaitForOthersToStandDownAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp(); // monotonic: a wall clock step neither lengthens nor ends the wait
        while (true)
        {
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Wake() => changed.TrySetResult();
            if ((await coordinator.ReadPrimaryAsync(Wake, cancellationToken)).Name != config.NodeName)
                return false;
            var holding = new List<string>();
            foreach (var other in config.CoordinatorNodes.Where(n => n != config.NodeName))
            {
                var peer = await coordinator.ReadPeerAsync(other, Wake, cancellationToken);
                if (peer.HoldsRole)
                    holding.Add($"{other} ({Core.Schema.Wire.CoordinatorState.Describe(peer.Role)})");
            }
            if (holding.Count == 0)
                return true;
            var left = StandDownTimeout - System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                log.LogWarning("Taking over although {Nodes} did not stand down within {Seconds} s", string.Join(", ", holding), StandDownTimeout.TotalSeconds);
                return true;
            }
            await changed.Task.WaitAsync(left, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            cancellationToken.ThrowIfCancellationRequested();
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
        await coordinator.BeginRelinquishAsync(cancellationToken);
        await StopDutiesAsync();
        await coordinator.BecomeSecondaryAsync(cancellationToken);
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
        await coordinator.StepDownAsync(cancellationToken);
        await StopDutiesAsync();
        if (config.IsCoordinator)
            await coordinator.BecomeSecondaryAsync(cancellationToken);
    }
}
