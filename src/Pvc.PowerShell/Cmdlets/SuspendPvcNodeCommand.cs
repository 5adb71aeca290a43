using System.Management.Automation;
using Pvc.Core.Nodes;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Drains nodes (PVC's flush): their node services migrate their VMs to other nodes.</summary>
[Cmdlet(VerbsLifecycle.Suspend, "PvcNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Node), typeof(PvcJob))]
public sealed class SuspendPvcNodeCommand : NodeChangeCmdlet
{
    /// <summary>Run as a background job; Receive-Job returns the node once it is flushed.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var plan = TryAwait(token => Nodes.PlanFlushAsync(Name, token), Name);
        if (plan is null)
            return;
        var where = plan.Count == 0 ? "it runs no VMs" : string.Join("; ", plan.Select(e => e.Target is null ? $"{e.Vm.Name}: no node qualifies, shut down ({e.Reason})" : $"{e.Vm.Name} -> {e.Target}"));
        if (!ShouldProcess(Name, $"Flush node ({where})"))
            return;
        if (AsJob)
        {
            var job = new PvcJob(MyInvocation.Line, $"Suspend-PvcNode {Name}");
            JobRepository.Add(job);
            var (nodes, name, timeout) = (Nodes, Name, Timeout);
            job.Start(async (j, token) =>
            {
                // a worker thread: everything goes to the job's streams, never to this pipeline
                await nodes.FlushAsync(name, token);
                await nodes.WaitForDomainStateAsync(name, [NodeDomainState.Flushed], timeout, s =>
                    j.Progress.Add(new ProgressRecord(1, $"Flushing node {name}", $"node {s.ToString().ToLowerInvariant()}")), token);
                j.Output.Add(PSObject.AsPSObject(await nodes.GetAsync(name, token)));
            }, Name);
            WriteObject(job);
            return;
        }
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
