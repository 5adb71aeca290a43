using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Grows an RBD volume (PVC's storage volume resize), as a cluster task: on the node of the running VM that has it as
/// a disk (so that its guest sees the new size), else on the primary.
/// </summary>
[Cmdlet(VerbsCommon.Resize, "PvcVolume", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Volume), typeof(ClusterTask))]
public sealed class ResizePvcVolumeCommand : StorageTaskCmdlet
{
    /// <summary>The pool.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string Pool { get; set; } = "";

    /// <summary>The volume.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VolumeNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>The new size: bytes (20GB) or PVC's units ("20G"); not smaller than the volume.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    [ByteSizeTransformation]
    public long Size { get; set; }

    /// <summary>Grow it even past 80 % of the pool's space (never past its free space).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new VolumeRequest(Pool, Name, Size, force: Force)), $"{Pool}/{Name}") is not { } request
            || !ShouldProcess(request.ToString(), $"Resize volume to {ByteSize.Format(Size)}"))
            return;
        Submit($"Resizing volume {request}", request.ToString(), ClusterTaskKinds.VolumeResize, request.ToArguments(),
            async (storage, token) => await storage.CheckResizeVolumeAsync(request, token) is { IsRunning: true, Node: { } node } ? node : null,
            VolumeResult(request.Pool, request.Name));
    }
}
