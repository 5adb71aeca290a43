using System.Management.Automation;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets the last lines of a node's log, as its services store it in the cluster.</summary>
[Cmdlet(VerbsCommon.Get, "PvcNodeLog")]
[OutputType(typeof(string))]
public sealed class GetPvcNodeLogCommand : NodeCmdlet
{
    /// <summary>How many lines, from the end. Default 200.</summary>
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int Tail { get; set; } = 200;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveNode() is { } name && TryAwait(token => Nodes.GetLogAsync(name, Tail, token), name) is { } lines)
            WriteObject(lines, enumerateCollection: true);
    }
}
