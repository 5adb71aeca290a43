using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Renames a stopped VM. As PVC's vm rename, each RBD volume of its disks that the cluster records and whose name holds
/// the VM's name is renamed with it (a cluster task on the primary: the volumes in Ceph, then the VM's keys and theirs
/// in one transaction); -KeepVolumeNames renames the VM alone.
/// </summary>
[Cmdlet(VerbsCommon.Rename, "PvcVm", SupportsShouldProcess = true)]
[OutputType(typeof(Vm))]
public sealed class RenamePvcVmCommand : TaskCmdlet
{
    /// <summary>The VM: its name or UUID, or a VM object (which acts in the cluster it came from).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [VmIdentityTransformation]
    [ArgumentCompleter(typeof(VmNameCompleter))]
    public PvcVmIdentity Name { get; set; } = null!;

    /// <summary>The new name.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string NewName { get; set; } = "";

    /// <summary>Rename the VM alone: its RBD volumes keep their names (PVC renames those named after the VM).</summary>
    [Parameter]
    public SwitchParameter KeepVolumeNames { get; set; }

    /// <summary>Return the renamed VM.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!UseClusterOf(Name.Cluster, Name))
            return;
        var vms = new VmOperations(Connection);
        var before = Connection.RoundTrips;
        if ((Name.Known ?? TryAwait(token => vms.ResolveAsync(Name.Lookup, token), Name.ToString())) is not { } vm)
            return;
        // checked before the question, so that -WhatIf and -Confirm name the volumes, and a refusal changes nothing
        IReadOnlyList<VolumeRename> volumes = [];
        if (!KeepVolumeNames)
        {
            if (TryAwait(token => vms.PlanRenameAsync(vm, NewName, token), vm.Name) is not { } planned)
                return;
            volumes = planned;
        }
        if (volumes.Count > 0)
        {
            var connection = Connection;
            if (ShouldProcess(vm.Name, $"Rename VM to {NewName} and its RBD volume(s) {string.Join(", ", volumes)}"))
                RunTask($"Renaming VM {vm.Name} and its volumes", vm.Name, token => vms.SubmitRenameAsync(vm, NewName, volumes, token),
                    async (_, token) => PassThru ? await connection.Vms.GetAsync(vm.Uuid, token) : null);
            return;
        }
        if (!ShouldProcess(vm.Name, KeepVolumeNames ? $"Rename VM to {NewName} (its volumes keep their names)" : $"Rename VM to {NewName}"))
            return;
        if (TryAwait(token => vms.RenameAsync(vm, NewName, KeepVolumeNames, token), vm.Name) is not { } renamed)
            return;
        Narrate($"Renamed VM {vm.Name} to {renamed.Name}", before);
        if (PassThru && TryAwait(token => Connection.Vms.GetAsync(renamed.Uuid, token), renamed.Name) is { } now)
            WriteResult(now);
    }
}
