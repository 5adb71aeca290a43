using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Adds a bridged network interface to a VM (<c>pvc vm network add</c>), live on a running VM.</summary>
[Cmdlet(VerbsCommon.Add, "PvcVmNetwork", SupportsShouldProcess = true)]
[OutputType(typeof(Vm))]
public sealed class AddPvcVmNetworkCommand : VmCmdlet
{
    /// <summary>The network: its VNI or description, or upstream, cluster or storage (PVC's NET).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetworkCompleter))]
    public string Network { get; set; } = "";

    /// <summary>The NIC's MAC address (PVC's --macaddr); default a random one of PVC's prefix 52:54:00.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MacAddress { get; set; }

    /// <summary>The NIC's model (PVC's --model): virtio (default), e1000, e1000e, rtl8139 or vmxnet3.</summary>
    [Parameter]
    [ValidateSet("virtio", "e1000", "e1000e", "rtl8139", "vmxnet3")]
    public string? Model { get; set; }

    /// <summary>Do not attach it to the running VM now (PVC's --no-live): it gets it at its next start, or now with -Restart.</summary>
    [Parameter]
    public SwitchParameter NoLive { get; set; }

    /// <summary>Restart the VM if it runs, instead of attaching the NIC live.</summary>
    [Parameter]
    public SwitchParameter Restart { get; set; }

    /// <summary>Return the VM after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm || !ShouldProcess(vm.Name, $"Add a NIC on the network {Network}"))
            return;
        if (TryAwait(async token => ((string, VmChangeEffect)?)await Vms.AddNetworkAsync(vm, Network, MacAddress, Model, !NoLive, Restart, token), vm.Name) is not { } added)
            return;
        WriteVerbose(added.Item2 == VmChangeEffect.Live ? $"{vm.Name} has the NIC {added.Item1} on {Network} now." : $"{vm.Name}'s new NIC on {Network} is {added.Item1}.");
        if (added.Item2 == VmChangeEffect.PendingRestart)
            WriteWarning($"The VM '{vm.Name}' sees the NIC {added.Item1} after it restarts: Restart-PvcVm {vm.Name}, or give -Restart.");
        if (PassThru && ReadVm(vm) is { } now)
            WriteResult(now);
    }
}
