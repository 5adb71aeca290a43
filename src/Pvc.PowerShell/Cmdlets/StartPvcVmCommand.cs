using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Starts VMs (state "start"); with -Wait, until they run on their node.</summary>
[Cmdlet(VerbsLifecycle.Start, "PvcVm", SupportsShouldProcess = true)]
[OutputType(typeof(Vm), typeof(PvcJob))]
public sealed class StartPvcVmCommand : VmChangeCmdlet
{
    /// <summary>Start a snapshot mirror too.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm || !ShouldProcess(vm.Name, "Start VM"))
            return;
        var (vms, timeout) = (Vms, Timeout);
        if (TryAwait(token => vms.StartAsync(vm, Force, token), vm.Name))
            Finish(vm, "Starting VM", (p, t) => vms.WaitStartedAsync(vm, timeout, p, t));
    }
}
