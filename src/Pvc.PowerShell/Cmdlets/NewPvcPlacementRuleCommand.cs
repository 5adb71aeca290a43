using System.Management.Automation;
using Pvc.Core.Placement;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Creates a placement rule between VMs: keep them apart or together, hard or soft (no PVC command has this).</summary>
[Cmdlet(VerbsCommon.New, "PvcPlacementRule", SupportsShouldProcess = true)]
[OutputType(typeof(PlacementRule))]
public sealed class NewPvcPlacementRuleCommand : ClusterCmdlet
{
    /// <summary>The rule's name, unique in the cluster.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = "";

    /// <summary>The VMs, by name or UUID (two or more; a UUID may be a VM defined later).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ArgumentCompleter(typeof(VmNameCompleter))]
    public string[] Vm { get; set; } = [];

    /// <summary>KeepApart (default: no two on one node) or KeepTogether (all on one node).</summary>
    [Parameter]
    public PlacementRuleKind Type { get; set; } = PlacementRuleKind.KeepApart;

    /// <summary>A hard rule: a placement that breaks it is refused. Without it the rule is a preference.</summary>
    [Parameter]
    public SwitchParameter Hard { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var rule = $"{(Hard ? "hard" : "soft")} {Type} rule between {string.Join(", ", Vm)}";
        if (!ShouldProcess(Name, $"Create {rule}"))
            return;
        var before = Connection.RoundTrips;
        if (TryAwait(token => Connection.Placement.CreateRuleAsync(Name, Type, Hard, Vm, token), Name) is not { } created)
            return;
        Narrate($"Created placement rule {created}", before);
        WriteResult(created);
    }
}
