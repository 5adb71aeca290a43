using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Removes a snapshot of an RBD volume (PVC's storage volume snapshot remove), as a cluster task on the primary.</summary>
[Cmdlet(VerbsCommon.Remove, "PvcVolumeSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ClusterTask))]
public sealed class RemovePvcVolumeSnapshotCommand : StorageTaskCmdlet
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

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new SnapshotRequest(Pool, Volume, Name)), $"{Pool}/{Volume}@{Name}") is not { } request
            || !ShouldProcess(request.ToString(), "Remove snapshot"))
            return;
        Submit($"Removing snapshot {request}", request.ToString(), ClusterTaskKinds.SnapshotRemove, request.ToArguments(),
            async (storage, token) => { await storage.CheckRemoveSnapshotAsync(request, token); return null; }, NoResult);
    }
}
