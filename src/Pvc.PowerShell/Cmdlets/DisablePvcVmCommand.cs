using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Disables VMs (state "disable"): a running VM is shut down first (or stopped at once with -Force).</summary>
[Cmdlet(VerbsLifecycle.Disable, "PvcVm", SupportsShouldProcess = true)]
[OutputType(typeof(Vm))]
public sealed class DisablePvcVmCommand : VmChangeCmdlet
{
    /// <summary>Stop a running VM at once instead of shutting it down; also disable a mirror.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm || !ShouldProcess(vm.Name, "Disable VM"))
            return;
        var id = Math.Abs(vm.Uuid.GetHashCode());
        var ok = TryAwait(token => Vms.DisableAsync(vm, Force, Timeout, s =>
            QueueProgress(new ProgressRecord(id, "Disabling VM", $"{vm.Name}: {s.ToString().ToLowerInvariant()}")), token), vm.Name);
        WriteProgress(new ProgressRecord(id, "Disabling VM", vm.Name) { RecordType = ProgressRecordType.Completed });
        if (!ok)
            return;
        if ((Wait || PassThru) && ReadVm(vm) is { } now)
            WriteObject(now);
    }
}
