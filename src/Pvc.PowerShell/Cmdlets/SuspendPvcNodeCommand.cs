using System.Management.Automation;
using Pvc.Core.Nodes;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Drains nodes (PVC's flush): their node services migrate their VMs to other nodes.</summary>
[Cmdlet(VerbsLifecycle.Suspend, "PvcNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Node))]
public sealed class SuspendPvcNodeCommand : NodeCmdlet
{
    /// <summary>Wait until the node is flushed, showing progress.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits (seconds or a TimeSpan). Default 30 minutes.</summary>
    [Parameter]
    [TimeoutTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Return the node (implied by -Wait).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

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
            var progress = new ProgressRecord(Math.Abs(Name.GetHashCode()), $"Flushing node {Name}", $"{plan.Count} VMs to move");
            node = TryAwait(async token =>
            {
                using var watching = CancellationTokenSource.CreateLinkedTokenSource(token);
                var counting = Nodes.WatchRunningVmCountAsync(Name, count =>
                {
                    progress.StatusDescription = $"{count} VMs still on {Name}";
                    if (plan.Count > 0)
                        progress.PercentComplete = Math.Clamp(100 * (plan.Count - count) / plan.Count, 0, 100);
                    QueueProgress(progress);
                }, watching.Token);
                await Nodes.WaitForDomainStateAsync(Name, [NodeDomainState.Flushed], Timeout, s =>
                {
                    progress.CurrentOperation = s.ToString().ToLowerInvariant();
                    QueueProgress(progress);
                }, token);
                await watching.CancelAsync();
                await counting;
                return await Nodes.GetAsync(Name, token);
            }, Name);
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
        if (node is not null && (Wait || PassThru))
            WriteObject(node);
    }
}
