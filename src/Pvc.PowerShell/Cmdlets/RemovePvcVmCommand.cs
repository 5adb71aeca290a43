using System.Management.Automation;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Removes VMs from the cluster; a running VM is stopped first. Without -DeleteVolumes its disks are kept (PVC's vm
/// undefine); with it, its RBD volumes and their snapshots are deleted too (PVC's vm remove), as a cluster task on the
/// primary, and a volume that another defined VM also has among its disks is refused before anything changes.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "PvcVm", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void), typeof(ClusterTask))]
public sealed class RemovePvcVmCommand : TaskCmdlet
{
    /// <summary>The VM: its name or UUID, or a VM object (which acts in the cluster it came from).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [VmIdentityTransformation]
    [ArgumentCompleter(typeof(VmNameCompleter))]
    public PvcVmIdentity Name { get; set; } = null!;

    /// <summary>Also delete the VM's RBD volumes and their snapshots (PVC's vm remove). -NoWait, -AsJob and -Timeout apply to this removal only.</summary>
    [Parameter]
    public SwitchParameter DeleteVolumes { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!UseClusterOf(Name.Cluster, Name))
            return;
        var vms = new VmOperations(Connection);
        var before = Connection.RoundTrips;
        var vm = Name.Known ?? TryAwait(token => vms.ResolveAsync(Name.Lookup, token), Name.ToString());
        if (vm is null)
            return;
        if (DeleteVolumes)
        {
            // checked before the question, so that -WhatIf and -Confirm name what goes, and a refusal changes nothing
            if (TryAwait(token => vms.CheckRemoveAsync(vm, token), vm.Name) is not { } volumes)
                return;
            var action = volumes.Count == 0 ? "Remove VM (it has no RBD volume to delete; stops it if it runs)"
                : $"Remove VM and DELETE its RBD volume(s) {string.Join(", ", volumes)} with their snapshots (stops it if it runs)";
            if (ShouldProcess(vm.Name, action))
                RunTask($"Removing VM {vm.Name} and its volumes", vm.Name, token => vms.SubmitRemoveAsync(vm, volumes, token), NoResult);
            return;
        }
        if (!ShouldProcess(vm.Name, "Remove VM (stops it if it runs; keeps its disks)"))
            return;
        if (TryAwait(token => vms.UndefineAsync(vm, token), vm.Name))
            Narrate($"Removed VM {vm.Name}", before);
    }
}
