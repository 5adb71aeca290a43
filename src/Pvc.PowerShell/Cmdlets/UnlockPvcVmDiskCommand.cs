using System.Management.Automation;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Breaks the RBD locks on a stopped VM's disks (PVC's <c>pvc vm flush-locks</c>): a <c>vm.flush_locks</c> cluster
/// task on the VM's node. Waits by default and returns the finished task, whose Result lists the locks broken.
/// </summary>
[Cmdlet(VerbsCommon.Unlock, "PvcVmDisk", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ClusterTask))]
public sealed class UnlockPvcVmDiskCommand : TaskCmdlet
{
    /// <summary>The VM: its name or UUID, or a VM object (which acts in the cluster it came from).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [VmIdentityTransformation]
    [ArgumentCompleter(typeof(VmNameCompleter))]
    public PvcVmIdentity Name { get; set; } = null!;

    /// <summary>
    /// Break the locks whatever the VM's state (PVC's <c>force_unlock</c>): only for a VM that no QEMU runs anywhere
    /// though its state says otherwise (its node died unfenced).
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!UseClusterOf(Name.Cluster, Name))
            return;
        var vms = new VmOperations(Connection);
        var vm = Name.Known ?? TryAwait(token => vms.ResolveAsync(Name.Lookup, token), Name.ToString());
        if (vm is null || !ShouldProcess(vm.Name, "Break the RBD locks on the VM's disks"))
            return;
        RunTask($"Breaking the disk locks of VM {vm.Name}", vm.Name, token => vms.SubmitFlushLocksAsync(vm, Force, token));
    }
}
