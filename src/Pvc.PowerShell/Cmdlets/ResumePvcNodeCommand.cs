using System.Management.Automation;
using Pvc.Core.Nodes;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Makes drained nodes ready again (PVC's unflush/ready): their VMs come back.</summary>
[Cmdlet(VerbsLifecycle.Resume, "PvcNode", SupportsShouldProcess = true)]
[OutputType(typeof(Node))]
public sealed class ResumePvcNodeCommand : NodeChangeCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name, "Make node ready (its VMs return)"))
            return;
        var node = TryAwait(token => Nodes.ReadyAsync(Name, token), Name);
        if (node is not null && Wait)
        {
            var id = Math.Abs(Name.GetHashCode());
            var activity = $"Readying node {Name}";
            node = TryAwait(async token =>
            {
                await Nodes.WaitForDomainStateAsync(Name, [NodeDomainState.Ready], Timeout, s =>
                    QueueProgress(new ProgressRecord(id, activity, s.ToString().ToLowerInvariant())), token);
                return await Nodes.GetAsync(Name, token);
            }, Name);
            WriteProgress(new ProgressRecord(id, activity, "done") { RecordType = ProgressRecordType.Completed });
        }
        if (node is not null && (Wait || PassThru))
            WriteObject(node);
    }
}
