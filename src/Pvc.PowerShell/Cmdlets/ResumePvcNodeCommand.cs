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
        if (!ShouldProcess(Name, "Make node ready (its VMs return)"))
            return;
        if (TryAwait(token => Nodes.ReadyAsync(Name, token), Name) is not { } node)
            return;
        var (nodes, name, timeout) = (Nodes, Name, Timeout);
        Finish($"Readying node {name}", () => node, async (progress, token) =>
        {
            await nodes.WaitForDomainStateAsync(name, [NodeDomainState.Ready], timeout, s => progress(s.ToString().ToLowerInvariant(), -1), token);
            return await nodes.GetAsync(name, token);
        });
    }
}
