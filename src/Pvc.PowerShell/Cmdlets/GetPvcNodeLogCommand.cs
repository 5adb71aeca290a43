using System.Management.Automation;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets the last lines of a node's log, as its services store it in the cluster; with -Follow, goes on with each new line.</summary>
[Cmdlet(VerbsCommon.Get, "PvcNodeLog")]
[OutputType(typeof(string))]
public sealed class GetPvcNodeLogCommand : NodeCmdlet
{
    /// <summary>How many lines, from the end. Default 200.</summary>
    [Parameter]
    [ValidateRange(0, 100_000)]
    public int Tail { get; set; } = 200;

    /// <summary>Go on writing each new line as the node logs it (on a watch) until Ctrl+C.</summary>
    [Parameter]
    public SwitchParameter Follow { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveNode() is not { } name)
            return;
        if (Follow)
            TryAwait(token => LogStream.WriteAsync(this, Nodes.FollowLogAsync(name, Tail, token), token), name);
        else if (TryAwait(token => Nodes.GetLogAsync(name, Tail, token), name) is { } lines)
            WriteObject(lines, enumerateCollection: true);
    }
}
