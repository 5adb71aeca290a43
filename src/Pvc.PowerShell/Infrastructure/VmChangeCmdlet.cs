using System.Management.Automation;
using Pvc.Core.Vms;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>A VM change a node carries out: <c>-Wait</c> (with progress) until it has, <c>-Timeout</c>, <c>-PassThru</c>.</summary>
public abstract class VmChangeCmdlet : VmCmdlet
{
    /// <summary>Wait until the VM's node has carried out the change, then return the VM.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits (seconds or a TimeSpan). Default 5 minutes.</summary>
    [Parameter]
    [TimeoutTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Return the VM after the change (implied by -Wait).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>With -Wait, waits (showing progress) by <paramref name="wait"/>; then writes the VM when asked to.</summary>
    protected void Finish(VmRef vm, string activity, Func<VmRef, Action<VmState>, CancellationToken, Task> wait)
    {
        if (Wait)
        {
            var id = Math.Abs(vm.Uuid.GetHashCode());
            // a record a write: the stream keeps the objects it is given
            var ok = TryAwait(token => wait(vm, state =>
                QueueProgress(new ProgressRecord(id, activity, $"{vm.Name}: {state.ToString().ToLowerInvariant()}")), token), vm.Name);
            WriteProgress(new ProgressRecord(id, activity, ok ? $"{vm.Name}: done" : $"{vm.Name}: failed") { RecordType = ProgressRecordType.Completed });
            if (!ok)
                return;
        }
        if ((Wait || PassThru) && ReadVm(vm) is { } now)
            WriteObject(now);
    }
}
