using System.Management.Automation;
using Pvc.Core.Nodes;
using Pvc.Core.Placement;
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
        if (ResolveNode() is not { } name)
            return;
        var (nodes, timeout, before) = (Nodes, Timeout, Connection.RoundTrips);
        var vms = Connection.Vms;
        var plan = TryAwait(token => vms.PlanFlushAsync(name, token), name);
        if (plan is null)
            return;
        var where = plan.Count == 0 ? "it runs no VMs" : string.Join("; ", plan.Select(Describe));
        Narrate($"Plan for flushing {name}: {where}", before);
        if (!ShouldProcess(name, $"Flush node ({where})"))
            return;
        before = Connection.RoundTrips;
        if (TryAwait(token => nodes.FlushAsync(name, token), name) is not { } node)
            return;
        Narrate($"Asked node {name} to flush (domain state {node.DomainState.ToString().ToLowerInvariant()})", before);
        var planned = plan.Count;
        Finish($"Flushing node {name}", () => node, (progress, token) => nodes.WaitFlushedAsync(name, timeout, p =>
        {
            if (p.VmsRemaining is int left)
                progress($"{left} VMs still on {name}", planned > 0 ? Math.Clamp(100 * (planned - left) / planned, 0, 100) : -1);
            else
                progress($"node {p.DomainState.ToString()!.ToLowerInvariant()}", -1);
        }, token));
    }

    /// <summary>One VM of the plan: its strategy, where it goes (or why nowhere) and the rules that weighed in.</summary>
    private static string Describe(FlushPlanEntry e) => (e.Strategy, e.Target) switch
    {
        (DrainStrategy.Stop, _) => $"{e.Vm.Name}: stop (shut down, started again when the node is readied)",
        (_, null) => $"{e.Vm.Name}: {Strategy(e.Strategy)}, but no node qualifies: shut down ({e.Reason})",
        (_, { } target) => $"{e.Vm.Name} -> {target} ({Strategy(e.Strategy)})",
    } + (e.Rules.Count > 0 ? $" [rule {string.Join(", ", e.Rules)}]" : "");

    private static string Strategy(DrainStrategy strategy) => strategy == DrainStrategy.Restart ? "restart: shut down, started there" : "live";
}
