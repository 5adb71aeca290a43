using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Takes a snapshot of an RBD volume (PVC's storage volume snapshot add), as a cluster task on the primary.</summary>
[Cmdlet(VerbsCommon.New, "PvcVolumeSnapshot", SupportsShouldProcess = true)]
[OutputType(typeof(Snapshot), typeof(ClusterTask))]
public sealed class NewPvcVolumeSnapshotCommand : StorageTaskCmdlet
{
    /// <summary>The pool.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string Pool { get; set; } = "";

    /// <summary>The volume.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VolumeNameCompleter))]
    public string Volume { get; set; } = "";

    /// <summary>The snapshot's name.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    public string Name { get; set; } = "";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new SnapshotRequest(Pool, Volume, Name)), $"{Pool}/{Volume}@{Name}") is not { } request
            || !ShouldProcess(request.ToString(), "Take snapshot"))
            return;
        Submit($"Taking snapshot {request}", request.ToString(), ClusterTaskKinds.SnapshotAdd, request.ToArguments(),
            async (storage, token) => { await storage.CheckAddSnapshotAsync(request, token); return null; }, SnapshotResult(request.Pool, request.Volume, request.Name));
    }
}
