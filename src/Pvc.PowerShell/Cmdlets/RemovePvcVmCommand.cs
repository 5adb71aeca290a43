using System.Management.Automation;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Removes VMs from the cluster (PVC's undefine); a running VM is stopped first. Its disks are kept.</summary>
[Cmdlet(VerbsCommon.Remove, "PvcVm", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemovePvcVmCommand : VmCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm || !ShouldProcess(vm.Name, "Remove VM (stops it if it runs; keeps its disks)"))
            return;
        var before = Connection.RoundTrips;
        if (TryAwait(token => Vms.UndefineAsync(vm, token), vm.Name))
            Narrate($"Removed VM {vm.Name}", before);
    }
}
