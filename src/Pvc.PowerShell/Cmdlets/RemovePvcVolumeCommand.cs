using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Removes an RBD volume and its snapshots (PVC's storage volume remove), as a cluster task on the primary.</summary>
[Cmdlet(VerbsCommon.Remove, "PvcVolume", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ClusterTask))]
public sealed class RemovePvcVolumeCommand : StorageTaskCmdlet
{
    /// <summary>The pool.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string Pool { get; set; } = "";

    /// <summary>The volume.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VolumeNameCompleter))]
    public string Name { get; set; } = "";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new VolumeRequest(Pool, Name)), $"{Pool}/{Name}") is not { } request
            || !ShouldProcess(request.ToString(), "Remove volume and its snapshots"))
            return;
        Submit($"Removing volume {request}", request.ToString(), ClusterTaskKinds.VolumeRemove, request.ToArguments(),
            async (storage, token) => { await storage.CheckRemoveVolumeAsync(request, token); return null; }, NoResult);
    }
}
