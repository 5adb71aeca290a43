using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Rolls an RBD volume back to a snapshot (PVC's storage volume snapshot rollback), as a cluster task on the primary.</summary>
[Cmdlet(VerbsData.Restore, "PvcVolumeSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(Volume), typeof(ClusterTask))]
public sealed class RestorePvcVolumeSnapshotCommand : StorageTaskCmdlet
{
    /// <summary>The pool.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string Pool { get; set; } = "";

    /// <summary>The volume.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VolumeNameCompleter))]
    public string Volume { get; set; } = "";

    /// <summary>The snapshot to roll back to.</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new SnapshotRequest(Pool, Volume, Name)), $"{Pool}/{Volume}@{Name}") is not { } request
            || !ShouldProcess($"{request.Pool}/{request.Volume}", $"Roll back to snapshot {request.Name} (what was written since is lost)"))
            return;
        Submit($"Rolling {request.Pool}/{request.Volume} back to {request.Name}", request.ToString(), ClusterTaskKinds.SnapshotRollback, request.ToArguments(),
            async (storage, token) => { await storage.CheckRollbackSnapshotAsync(request, token); return null; }, VolumeResult(request.Pool, request.Volume));
    }
}
