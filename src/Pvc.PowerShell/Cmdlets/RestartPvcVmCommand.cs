using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Restarts running VMs (state "restart").</summary>
[Cmdlet(VerbsLifecycle.Restart, "PvcVm", SupportsShouldProcess = true)]
[OutputType(typeof(Vm), typeof(PvcJob))]
public sealed class RestartPvcVmCommand : VmChangeCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm || !ShouldProcess(vm.Name, "Restart VM"))
            return;
        var (vms, timeout) = (Vms, Timeout);
        if (TryAwait(token => vms.RestartAsync(vm, token), vm.Name))
            Finish(vm, "Restarting VM", (p, t) => vms.WaitRestartedAsync(vm, timeout, p, t));
    }
}
