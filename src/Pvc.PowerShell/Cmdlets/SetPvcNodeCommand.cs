using System.Management.Automation;
using Pvc.Core.Nodes;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Makes a coordinator the primary, or has the primary step down (a new election follows).</summary>
[Cmdlet(VerbsCommon.Set, "PvcNode", SupportsShouldProcess = true)]
[OutputType(typeof(Node))]
public sealed class SetPvcNodeCommand : NodeCmdlet
{
    /// <summary>Primary or Secondary.</summary>
    [Parameter(Mandatory = true)]
    [ValidateSet("Primary", "Secondary")]
    public string CoordinatorState { get; set; } = "";

    /// <summary>Return the node.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var primary = CoordinatorState.Equals("Primary", StringComparison.OrdinalIgnoreCase);
        if (!ShouldProcess(Name, primary ? "Make primary coordinator" : "Step down as primary coordinator"))
            return;
        if (TryAwait(token => primary ? Nodes.SetPrimaryAsync(Name, token) : Nodes.SetSecondaryAsync(Name, token), Name) && PassThru
            && TryAwait(token => Nodes.GetAsync(Name, token), Name) is { } node)
            WriteObject(node);
    }
}
