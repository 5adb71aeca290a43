using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Shuts VMs down gracefully (state "shutdown"), or with -Force stops them at once (state "stop").</summary>
[Cmdlet(VerbsLifecycle.Stop, "PvcVm", SupportsShouldProcess = true)]
[OutputType(typeof(Vm), typeof(PvcJob))]
public sealed class StopPvcVmCommand : VmChangeCmdlet
{
    /// <summary>Stop at once (PVC's "stop": the VM is destroyed, like pulling the plug), also for a mirror.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm || !ShouldProcess(vm.Name, Force ? "Stop VM (hard)" : "Shut down VM"))
            return;
        var (vms, timeout) = (Vms, Timeout);
        if (TryAwait(token => Force ? vms.StopAsync(vm, force: true, token) : vms.ShutdownAsync(vm, token), vm.Name))
            Finish(vm, Force ? "Stopping VM" : "Shutting down VM", (p, t) => vms.WaitShutDownAsync(vm, timeout, p, t));
    }
}
