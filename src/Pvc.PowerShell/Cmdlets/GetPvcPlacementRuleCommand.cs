using System.Management.Automation;
using Pvc.Core.Errors;
using Pvc.Core.Placement;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets the cluster's placement rules (no PVC command has them).</summary>
[Cmdlet(VerbsCommon.Get, "PvcPlacementRule")]
[OutputType(typeof(PlacementRule))]
public sealed class GetPvcPlacementRuleCommand : ClusterCmdlet
{
    /// <summary>Rule names (wildcards allowed); every rule when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var connection = Connection;
        WriteMatching<PlacementRule>(Name, async (limit, token) =>
        {
            var rules = await connection.Placement.ReadRulesAsync(token);
            return [.. rules.All.Where(r => limit is null || limit.IsMatch(r.Name))];
        }, "placement rule", PvcErrorIds.PlacementRuleNotFound);
    }
}
