using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Copies an RBD volume into a new volume of the same pool (PVC's storage volume clone), as a cluster task on the primary.</summary>
[Cmdlet(VerbsCommon.Copy, "PvcVolume", SupportsShouldProcess = true)]
[OutputType(typeof(Volume), typeof(ClusterTask))]
public sealed class CopyPvcVolumeCommand : StorageTaskCmdlet
{
    /// <summary>The pool.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string Pool { get; set; } = "";

    /// <summary>The volume to copy.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VolumeNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>The copy's name.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    public string NewName { get; set; } = "";

    /// <summary>Copy it even past 80 % of the pool's space (never past its free space).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new VolumeRequest(Pool, Name, newName: NewName, force: Force)), $"{Pool}/{Name}") is not { } request
            || !ShouldProcess(request.ToString(), $"Copy volume to {request.Pool}/{NewName}"))
            return;
        Submit($"Copying volume {request}", request.ToString(), ClusterTaskKinds.VolumeClone, request.ToArguments(),
            async (storage, token) => { await storage.CheckCopyVolumeAsync(request, token); return null; }, VolumeResult(request.Pool, NewName));
    }
}
