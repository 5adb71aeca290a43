using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Creates an RBD volume (PVC's storage volume add), as a cluster task on the primary.</summary>
[Cmdlet(VerbsCommon.New, "PvcVolume", SupportsShouldProcess = true)]
[OutputType(typeof(Volume), typeof(ClusterTask))]
public sealed class NewPvcVolumeCommand : StorageTaskCmdlet
{
    /// <summary>The pool.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string Pool { get; set; } = "";

    /// <summary>The volume's name.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>Its size: bytes (10GB) or PVC's units ("10G").</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [ByteSizeTransformation]
    public long Size { get; set; }

    /// <summary>Create it even past 80 % of the pool's space (never past its free space).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new VolumeRequest(Pool, Name, Size, force: Force)), $"{Pool}/{Name}") is not { } request
            || !ShouldProcess(request.ToString(), $"Create volume of {ByteSize.Format(Size)}"))
            return;
        Submit($"Creating volume {request}", request.ToString(), ClusterTaskKinds.VolumeAdd, request.ToArguments(),
            async (storage, token) => { await storage.CheckAddVolumeAsync(request, token); return null; }, VolumeResult(request.Pool, request.Name));
    }
}
