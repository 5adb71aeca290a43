using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Removes an RBD volume's disk from a VM's definition (<c>pvc vm volume remove</c>); the volume itself stays.</summary>
[Cmdlet(VerbsCommon.Remove, "PvcVmVolume", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(Vm))]
public sealed class RemovePvcVmVolumeCommand : VmCmdlet
{
    /// <summary>The volume, as pool/volume.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Volume { get; set; } = "";

    /// <summary>Restart the VM if it runs, so that the guest loses the disk.</summary>
    [Parameter]
    public SwitchParameter Restart { get; set; }

    /// <summary>Return the VM after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm || !ShouldProcess(vm.Name, $"Remove the volume {Volume}"))
            return;
        if (TryAwait(async token => (VmChangeEffect?)await Vms.RemoveVolumeAsync(vm, Volume, Restart, token), vm.Name) is not { } effect)
            return;
        if (effect == VmChangeEffect.PendingRestart)
            WriteWarning($"The VM '{vm.Name}' keeps the volume {Volume} until it restarts: Restart-PvcVm {vm.Name}, or give -Restart.");
        if (PassThru && ReadVm(vm) is { } now)
            WriteResult(now);
    }
}
