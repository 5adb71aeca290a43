using System.Management.Automation;
using Pvc.Core.Errors;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Removes a network interface from a VM (<c>pvc vm network remove</c>), live on a running VM.</summary>
[Cmdlet(VerbsCommon.Remove, "PvcVmNetwork", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(Vm))]
public sealed class RemovePvcVmNetworkCommand : VmCmdlet
{
    /// <summary>The network of the NIC: its VNI or description, or upstream, cluster or storage (PVC's NET).</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetworkCompleter))]
    public string? Network { get; set; }

    /// <summary>The NIC's MAC address (PVC's --mac-address); needed when the VM has several NICs on the network.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MacAddress { get; set; }

    /// <summary>Do not detach it from the running VM now (PVC's --no-live): it loses it at its next start, or now with -Restart.</summary>
    [Parameter]
    public SwitchParameter NoLive { get; set; }

    /// <summary>Restart the VM if it runs, instead of detaching the NIC live.</summary>
    [Parameter]
    public SwitchParameter Restart { get; set; }

    /// <summary>Return the VM after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (Network is null && MacAddress is null)
        {
            WriteError(PvcErrorRecords.Of(new ArgumentException("Give -Network or -MacAddress: which NIC to remove."), PvcErrorIds.NoChange, ErrorCategory.InvalidArgument, Name.ToString()));
            return;
        }
        var what = MacAddress ?? $"on the network {Network}";
        if (ResolveVm() is not { } vm || !ShouldProcess(vm.Name, $"Remove the NIC {what}"))
            return;
        if (TryAwait(async token => ((string?, VmChangeEffect)?)await Vms.RemoveNetworkAsync(vm, Network, MacAddress, !NoLive, Restart, token), vm.Name) is not { } removed)
            return;
        WriteVerbose($"{vm.Name}'s NIC {removed.Item1} is removed{(removed.Item2 == VmChangeEffect.Live ? ", live" : "")}.");
        if (removed.Item2 == VmChangeEffect.PendingRestart)
            WriteWarning($"The VM '{vm.Name}' keeps the NIC {removed.Item1} until it restarts: Restart-PvcVm {vm.Name}, or give -Restart.");
        if (PassThru && ReadVm(vm) is { } now)
            WriteResult(now);
    }
}
