using System.Management.Automation;
using Pvc.Core.Placement;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Removes a placement rule (no PVC command has them).</summary>
[Cmdlet(VerbsCommon.Remove, "PvcPlacementRule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemovePvcPlacementRuleCommand : ClusterCmdlet
{
    /// <summary>The rule's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name, "Remove placement rule"))
            return;
        var before = Connection.RoundTrips;
        if (TryAwait(token => Connection.Placement.RemoveRuleAsync(Name, token), Name) is { } removed)
            Narrate($"Removed placement rule {removed}", before);
    }
}
