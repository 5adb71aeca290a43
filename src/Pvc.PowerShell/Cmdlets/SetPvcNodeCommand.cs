using System.Management.Automation;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Makes a coordinator the primary, or has the primary step down (a new election follows).</summary>
[Cmdlet(VerbsCommon.Set, "PvcNode", SupportsShouldProcess = true)]
[OutputType(typeof(Node), typeof(PvcJob))]
public sealed class SetPvcNodeCommand : NodeChangeCmdlet
{
    /// <summary>Primary or Secondary.</summary>
    [Parameter(Mandatory = true)]
    [ValidateSet("Primary", "Secondary")]
    public string CoordinatorState { get; set; } = "";

    /// <summary>The hand-over takes seconds, not a drain's minutes: a shorter default than other node changes.</summary>
    public SetPvcNodeCommand() => Timeout = TimeSpan.FromMinutes(2);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var primary = CoordinatorState.Equals("Primary", StringComparison.OrdinalIgnoreCase);
        if (ResolveNode() is not { } name || !ShouldProcess(name, primary ? "Make primary coordinator" : "Step down as primary coordinator"))
            return;
        var (nodes, timeout, before) = (Nodes, Timeout, Connection.RoundTrips);
        if (!TryAwait(token => primary ? nodes.SetPrimaryAsync(name, token) : nodes.SetSecondaryAsync(name, token), name))
            return;
        Narrate(primary ? $"Asked node {name} to become primary" : $"Asked node {name} to step down", before);
        Finish(primary ? $"Making {name} primary" : $"{name} stepping down", () => TryAwait(token => nodes.GetAsync(name, token), name),
            (progress, token) => nodes.WaitCoordinatorAsync(name, primary, timeout, s => progress(s, -1), token));
    }
}
