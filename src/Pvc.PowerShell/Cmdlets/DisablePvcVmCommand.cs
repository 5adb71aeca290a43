using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Disables VMs (state "disable"): a running VM is shut down first (or stopped at once with -Force).</summary>
[Cmdlet(VerbsLifecycle.Disable, "PvcVm", SupportsShouldProcess = true)]
[OutputType(typeof(Vm), typeof(PvcJob))]
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
        // disabling a running VM waits for its shutdown whether or not -Wait is given (PVC's order: shutdown, then disable)
        var (vms, force, timeout) = (Vms, Force.IsPresent, Timeout);
        Run(vm, "Disabling VM", async (progress, token) =>
        {
            await vms.DisableAsync(vm, force, timeout, progress, token);
            return null;
        }, output: Wait || PassThru);
    }
}
