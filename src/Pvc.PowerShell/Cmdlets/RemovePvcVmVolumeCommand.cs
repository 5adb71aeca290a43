using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Removes an RBD volume's disk from a VM (<c>pvc vm volume remove</c>), live on a running VM; the volume itself stays.</summary>
[Cmdlet(VerbsCommon.Remove, "PvcVmVolume", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(Vm))]
public sealed class RemovePvcVmVolumeCommand : VmCmdlet
{
    /// <summary>The volume, as pool/volume.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Volume { get; set; } = "";

    /// <summary>Do not detach it from the running VM now (PVC's --no-live): it keeps it until its next start, or -Restart.</summary>
    [Parameter]
    public SwitchParameter NoLive { get; set; }

    /// <summary>Restart the VM if it runs, instead of detaching the disk live.</summary>
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
        if (TryAwait(async token => (VmChangeEffect?)await Vms.RemoveVolumeAsync(vm, Volume, Restart, token, !NoLive), vm.Name) is not { } effect)
            return;
        if (effect == VmChangeEffect.PendingRestart)
            WriteWarning($"The VM '{vm.Name}' keeps the volume {Volume} until it restarts: Restart-PvcVm {vm.Name}, or give -Restart.");
        if (PassThru && ReadVm(vm) is { } now)
            WriteResult(now);
    }
}
