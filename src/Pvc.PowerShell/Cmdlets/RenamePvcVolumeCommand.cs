using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Renames an RBD volume within its pool (PVC's storage volume rename), as a cluster task on the primary.</summary>
[Cmdlet(VerbsCommon.Rename, "PvcVolume", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Volume), typeof(ClusterTask))]
public sealed class RenamePvcVolumeCommand : StorageTaskCmdlet
{
    /// <summary>The pool.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string Pool { get; set; } = "";

    /// <summary>The volume.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VolumeNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>Its new name.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    public string NewName { get; set; } = "";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new VolumeRequest(Pool, Name, newName: NewName)), $"{Pool}/{Name}") is not { } request
            || !ShouldProcess(request.ToString(), $"Rename volume to {NewName}"))
            return;
        Submit($"Renaming volume {request}", request.ToString(), ClusterTaskKinds.VolumeRename, request.ToArguments(),
            async (storage, token) => { await storage.CheckRenameVolumeAsync(request, token); return null; }, VolumeResult(request.Pool, NewName));
    }
}
