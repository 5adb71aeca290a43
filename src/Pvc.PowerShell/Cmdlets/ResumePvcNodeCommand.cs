using System.Management.Automation;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Makes drained nodes ready again (PVC's unflush/ready): their VMs come back.</summary>
[Cmdlet(VerbsLifecycle.Resume, "PvcNode", SupportsShouldProcess = true)]
[OutputType(typeof(Node), typeof(PvcJob))]
public sealed class ResumePvcNodeCommand : NodeChangeCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveNode() is not { } name || !ShouldProcess(name, "Make node ready (its VMs return)"))
            return;
        var (nodes, timeout, before) = (Nodes, Timeout, Connection.RoundTrips);
        if (TryAwait(token => nodes.ReadyAsync(name, token), name) is not { } node)
            return;
        Narrate($"Asked node {name} to take its VMs back (domain state {node.DomainState.ToString().ToLowerInvariant()})", before);
        Finish($"Readying node {name}", () => node,
            (progress, token) => nodes.WaitReadyAsync(name, timeout, s => progress(s.ToString().ToLowerInvariant(), -1), token));
    }
}
