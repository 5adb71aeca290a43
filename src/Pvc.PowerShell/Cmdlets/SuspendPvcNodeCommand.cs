using System.Management.Automation;
using Pvc.Core.Nodes;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Drains nodes (PVC's flush): their node services migrate their VMs to other nodes.</summary>
[Cmdlet(VerbsLifecycle.Suspend, "PvcNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Node), typeof(PvcJob))]
public sealed class SuspendPvcNodeCommand : NodeChangeCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var plan = TryAwait(token => Connection.Vms.PlanFlushAsync(Name, token), Name);
        if (plan is null)
            return;
        var where = plan.Count == 0 ? "it runs no VMs" : string.Join("; ", plan.Select(e => e.Target is null ? $"{e.Vm.Name}: no node qualifies, shut down ({e.Reason})" : $"{e.Vm.Name} -> {e.Target}"));
        if (!ShouldProcess(Name, $"Flush node ({where})"))
            return;
        if (TryAwait(token => Nodes.FlushAsync(Name, token), Name) is not { } node)
            return;
        var (nodes, name, timeout, planned) = (Nodes, Name, Timeout, plan.Count);
        Finish($"Flushing node {name}", () => node, (progress, token) => nodes.WaitFlushedAsync(name, timeout, p =>
        {
            if (p.VmsRemaining is int left)
                progress($"{left} VMs still on {name}", planned > 0 ? Math.Clamp(100 * (planned - left) / planned, 0, 100) : -1);
            else
                progress($"node {p.DomainState.ToString()!.ToLowerInvariant()}", -1);
        }, token));
    }
}
