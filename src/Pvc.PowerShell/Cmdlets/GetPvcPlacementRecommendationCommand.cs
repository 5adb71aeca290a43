using System.Management.Automation;
using Pvc.Core.Placement;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets recommended VM moves that even out memory and vCPUs over the nodes within the placement rules (no PVC command has this).</summary>
[Cmdlet(VerbsCommon.Get, "PvcPlacementRecommendation")]
[OutputType(typeof(PlacementMove))]
public sealed class GetPvcPlacementRecommendationCommand : ClusterCmdlet
{
    /// <summary>The most moves to recommend.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int MaxMoves { get; set; } = 50;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var before = Connection.RoundTrips;
        if (TryAwait(token => Connection.Vms.RecommendPlacementAsync(MaxMoves, token), "cluster") is not { } plan)
            return;
        Narrate($"Recommended {plan.Moves.Count} move(s): score {plan.ScoreBefore:0.0000} -> {plan.ScoreAfter:0.0000}", before);
        WriteResults(plan.Moves);
    }
}
