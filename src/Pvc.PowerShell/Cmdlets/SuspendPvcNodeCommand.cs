using System.Management.Automation;
using Pvc.Core.Nodes;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Drains nodes (PVC's flush): their node services migrate their VMs to other nodes.</summary>
[Cmdlet(VerbsLifecycle.Suspend, "PvcNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Node))]
public sealed class SuspendPvcNodeCommand : NodeChangeCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var plan = TryAwait(token => Nodes.PlanFlushAsync(Name, token), Name);
        if (plan is null)
            return;
        var where = plan.Count == 0 ? "it runs no VMs" : string.Join("; ", plan.Select(e => e.Target is null ? $"{e.Vm.Name}: no node qualifies, shut down ({e.Reason})" : $"{e.Vm.Name} -> {e.Target}"));
        if (!ShouldProcess(Name, $"Flush node ({where})"))
            return;
        var node = TryAwait(token => Nodes.FlushAsync(Name, token), Name);
        if (node is null)
            return;
        if (Wait)
        {
            var id = Math.Abs(Name.GetHashCode());
            var activity = $"Flushing node {Name}";
            node = TryAwait(async token =>
            {
                using var watching = CancellationTokenSource.CreateLinkedTokenSource(token);
                // a record a write: the stream keeps the objects it is given
                var counting = Nodes.WatchRunningVmCountAsync(Name, count => QueueProgress(new ProgressRecord(id, activity, $"{count} VMs still on {Name}")
                {
                    PercentComplete = plan.Count > 0 ? Math.Clamp(100 * (plan.Count - count) / plan.Count, 0, 100) : -1,
                }), watching.Token);
                await Nodes.WaitForDomainStateAsync(Name, [NodeDomainState.Flushed], Timeout, s =>
                    QueueProgress(new ProgressRecord(id, activity, $"node {s.ToString().ToLowerInvariant()}")), token);
                await watching.CancelAsync();
                await counting;
                return await Nodes.GetAsync(Name, token);
            }, Name);
            WriteProgress(new ProgressRecord(id, activity, "done") { RecordType = ProgressRecordType.Completed });
        }
        if (node is not null && (Wait || PassThru))
            WriteObject(node);
    }
}
