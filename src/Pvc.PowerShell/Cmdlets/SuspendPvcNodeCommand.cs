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
                var flushed = await nodes.WaitFlushedAsync(name, timeout, p => j.Progress.Add(Record(1, name, plan.Count, p)), token);
                j.Output.Add(PSObject.AsPSObject(flushed));
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
            // a record a write: the stream keeps the objects it is given
            node = TryAwait(token => Nodes.WaitFlushedAsync(Name, Timeout, p => QueueProgress(Record(id, Name, plan.Count, p)), token), Name);
            WriteProgress(new ProgressRecord(id, activity, "done") { RecordType = ProgressRecordType.Completed });
        }
        if (node is not null && (Wait || PassThru))
            WriteObject(node);
    }

    private static ProgressRecord Record(int id, string node, int planned, FlushProgress progress) =>
        progress.VmsRemaining is int left
            ? new ProgressRecord(id, $"Flushing node {node}", $"{left} VMs still on {node}")
            {
                PercentComplete = planned > 0 ? Math.Clamp(100 * (planned - left) / planned, 0, 100) : -1,
            }
            : new ProgressRecord(id, $"Flushing node {node}", $"node {progress.DomainState.ToString()!.ToLowerInvariant()}");
}
