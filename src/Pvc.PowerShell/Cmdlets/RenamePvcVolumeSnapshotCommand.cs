using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Renames a snapshot of an RBD volume (PVC's storage volume snapshot rename), as a cluster task on the primary.</summary>
[Cmdlet(VerbsCommon.Rename, "PvcVolumeSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Snapshot), typeof(ClusterTask))]
public sealed class RenamePvcVolumeSnapshotCommand : StorageTaskCmdlet
{
    /// <summary>The pool.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string Pool { get; set; } = "";

    /// <summary>The volume.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VolumeNameCompleter))]
    public string Volume { get; set; } = "";

    /// <summary>The snapshot.</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>Its new name.</summary>
    [Parameter(Mandatory = true, Position = 3)]
    public string NewName { get; set; } = "";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new SnapshotRequest(Pool, Volume, Name, NewName)), $"{Pool}/{Volume}@{Name}") is not { } request
            || !ShouldProcess(request.ToString(), $"Rename snapshot to {NewName}"))
            return;
        Submit($"Renaming snapshot {request}", request.ToString(), ClusterTaskKinds.SnapshotRename, request.ToArguments(),
            async (storage, token) => { await storage.CheckRenameSnapshotAsync(request, token); return null; }, SnapshotResult(request.Pool, request.Volume, NewName));
    }
}
