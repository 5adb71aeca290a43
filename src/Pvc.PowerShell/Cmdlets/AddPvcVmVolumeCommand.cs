using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Adds an RBD volume to a VM as a disk (<c>pvc vm volume add</c>), live on a running VM.</summary>
[Cmdlet(VerbsCommon.Add, "PvcVmVolume", SupportsShouldProcess = true)]
[OutputType(typeof(Vm))]
public sealed class AddPvcVmVolumeCommand : VmCmdlet
{
    /// <summary>The volume, as pool/volume.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Volume { get; set; } = "";

    /// <summary>The disk's bus (PVC's --bus): scsi (default), ide, usb, virtio or sata.</summary>
    [Parameter]
    [ValidateSet("scsi", "ide", "usb", "virtio", "sata")]
    public string? Bus { get; set; }

    /// <summary>The guest device (PVC's --disk-id); default the next free one.</summary>
    [Parameter]
    public string? Target { get; set; }

    /// <summary>Do not attach it to the running VM now (PVC's --no-live): it gets it at its next start, or now with -Restart.</summary>
    [Parameter]
    public SwitchParameter NoLive { get; set; }

    /// <summary>Restart the VM if it runs, instead of attaching the disk live.</summary>
    [Parameter]
    public SwitchParameter Restart { get; set; }

    /// <summary>Return the VM after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm || !ShouldProcess(vm.Name, $"Add the volume {Volume}"))
            return;
        if (TryAwait(async token => ((string, VmChangeEffect)?)await Vms.AddVolumeAsync(vm, Volume, Bus, Target, Restart, token, !NoLive), vm.Name) is not { } added)
            return;
        WriteVerbose(added.Item2 == VmChangeEffect.Live ? $"{vm.Name} has {Volume} as {added.Item1} now." : $"{Volume} is {vm.Name}'s {added.Item1}.");
        if (added.Item2 == VmChangeEffect.PendingRestart)
            WriteWarning($"The VM '{vm.Name}' sees the volume {Volume} after it restarts: Restart-PvcVm {vm.Name}, or give -Restart.");
        if (PassThru && ReadVm(vm) is { } now)
            WriteResult(now);
    }
}
