using System.Management.Automation;
using Pvc.Core.Placement;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Carries out Get-PvcPlacementRecommendation's moves (no PVC command has this): each VM moved for good to its
/// recommended node, several at once, with progress; Ctrl+C starts no more moves and waits for the ones under way.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "PvcRebalance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PlacementMove))]
public sealed class InvokePvcRebalanceCommand : ClusterCmdlet
{
    private const int ProgressId = 0x5265;

    /// <summary>The most moves to make (as Get-PvcPlacementRecommendation's -MaxMoves).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int MaxMoves { get; set; } = 50;

    /// <summary>The most moves under way at once.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 2;

    /// <summary>How long the whole rebalance may take (seconds or a TimeSpan). Default 1 hour.</summary>
    [Parameter]
    [TimeoutTransformation]
    [ValidateTimeout]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(1);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var before = Connection.RoundTrips;
        var vms = Connection.Vms;
        if (TryAwait(token => vms.RecommendPlacementAsync(MaxMoves, token), "cluster") is not { } plan)
            return;
        Narrate($"Recommended {plan.Moves.Count} move(s): score {plan.ScoreBefore:0.0000} -> {plan.ScoreAfter:0.0000}", before);
        // each move is confirmed (or shown by -WhatIf) on its own; the ones confirmed are made
        var chosen = plan.Moves.Where(m => ShouldProcess(m.VmName, $"Move VM from {m.From} to {m.To} (cluster score -{m.Improvement:0.0000}{(m.Rules.Count > 0 ? $"; {string.Join("; ", m.Rules)}" : "")})")).ToList();
        if (chosen.Count == 0)
            return;
        var (throttle, timeout) = (ThrottleLimit, Timeout);
        var total = chosen.Count;
        var done = 0;
        var underWay = new HashSet<string>(StringComparer.Ordinal);
        void Progress(string status) => QueueProgress(new ProgressRecord(ProgressId, "Rebalancing", status)
        {
            PercentComplete = Math.Clamp(100 * Volatile.Read(ref done) / total, 0, 100),
        });
        before = Connection.RoundTrips;
        var run = TryAwait(token => vms.RebalanceAsync(chosen, throttle, timeout,
            started: move =>
            {
                lock (underWay)
                    underWay.Add(move.VmName);
                Progress($"{Volatile.Read(ref done)} of {total} moves done; moving {move.VmName} from {move.From} to {move.To}");
            },
            ended: outcome =>
            {
                Interlocked.Increment(ref done);
                string moving;
                lock (underWay)
                {
                    underWay.Remove(outcome.Move.VmName);
                    moving = underWay.Count > 0 ? $"; moving {string.Join(", ", underWay)}" : "";
                }
                Progress($"{Volatile.Read(ref done)} of {total} moves done{moving}");
                // written as each move ends; after Ctrl+C nothing more reaches the pipeline, but the moves under way are still waited for
                OnPipelineThread(() => WriteOutcome(outcome));
            },
            stopStarting: token), "cluster");
        if (Stopping)
            throw new PipelineStoppedException();
        WriteProgress(new ProgressRecord(ProgressId, "Rebalancing", "done") { RecordType = ProgressRecordType.Completed });
        if (run is null)
            return;
        Narrate($"Rebalanced: {run.Outcomes.Count(o => o.Moved)} of {total} move(s) made, {run.Outcomes.Count(o => !o.Moved)} failed, {run.NotStarted} not started", before);
        if (run.NotStarted > 0)
            WriteWarning($"{run.NotStarted} move(s) were not started: the timeout ({timeout}) passed. Get-PvcPlacementRecommendation shows what is left.");
    }

    private void WriteOutcome(RebalanceOutcome outcome)
    {
        try
        {
            if (outcome.Moved)
                WriteResult(outcome.Move);
            else
                WriteError(PvcErrorRecords.From(outcome.Error!, outcome.Move.VmName));
        }
        catch (PipelineStoppedException)
        {
            // stopped (Ctrl+C): the rebalance still waits for the moves under way before the command ends
        }
    }
}
