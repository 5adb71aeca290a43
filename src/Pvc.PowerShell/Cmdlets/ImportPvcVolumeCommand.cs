using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Vms;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Writes an image file into an RBD volume (PVC's storage volume upload), as a cluster task. The file is read by the
/// node that runs the task (-Node, the primary by default), by its absolute path there: it is not sent from this
/// session. Raw images go in as they are; qcow2, vmdk, qed, vdi and vpc (VHD) images are converted with qemu-img
/// first. A missing volume is made of the image's size.
/// </summary>
[Cmdlet(VerbsData.Import, "PvcVolume", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Volume), typeof(ClusterTask))]
public sealed class ImportPvcVolumeCommand : StorageTaskCmdlet
{
    /// <summary>The pool.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string Pool { get; set; } = "";

    /// <summary>The volume (made when the pool has none of that name).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VolumeNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>The image file's absolute path on the node that runs the upload.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    public string Path { get; set; } = "";

    /// <summary>The image's format (PVC's -f/--format): raw by default, as PVC's.</summary>
    [Parameter]
    [ValidateSet("raw", "qcow2", "vmdk", "qed", "vdi", "vpc")]
    public string Format { get; set; } = "raw";

    /// <summary>The node that reads the file and writes the volume (default: the primary).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string? Node { get; set; }

    /// <summary>A volume made for the image may take the pool past 80 % of its space (never past its free space).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new VolumeUploadRequest(Pool, Name, Path, Format, Force)), $"{Pool}/{Name}") is not { } request
            || !ShouldProcess(request.ToString(), $"Write {request.Format} image {request.Path} (read on {Node ?? "the primary"}) into the volume, over what it holds"))
            return;
        var node = string.IsNullOrEmpty(Node) ? null : Node;
        Submit($"Uploading {request.Path} to volume {request}", request.ToString(), ClusterTaskKinds.VolumeUpload, request.ToArguments(),
            async (storage, token) => { await storage.CheckUploadVolumeAsync(request, token); await HostFilePolicy.CheckImagePathAsync(Connection, request.Path, token); return node; }, VolumeResult(request.Pool, request.Name));
    }
}
