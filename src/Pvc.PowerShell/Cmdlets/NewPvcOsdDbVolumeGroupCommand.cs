using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Makes the volume group osd-db for OSDs' external databases on a node's device (PVC's storage osd create-db-vg), as
/// a cluster task on that node: the device gets one LVM partition (everything on it is lost) holding the volume group.
/// </summary>
[Cmdlet(VerbsCommon.New, "PvcOsdDbVolumeGroup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ClusterTask))]
public sealed class NewPvcOsdDbVolumeGroupCommand : StorageTaskCmdlet
{
    /// <summary>The node whose device it is.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string Node { get; set; } = "";

    /// <summary>The device: a path under /dev, or PVC's detect:&lt;model&gt;:&lt;size&gt;:&lt;index&gt;.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public string Device { get; set; } = "";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new OsdDbVolumeGroupRequest(Device)), Device) is not { } request
            || !ShouldProcess($"{Device} on {Node}", $"Destroy everything on the device and make volume group {OsdDbVolumeGroupRequest.VolumeGroup} on it"))
            return;
        Submit($"Making volume group {OsdDbVolumeGroupRequest.VolumeGroup} on {Node}:{Device}", $"{Node}:{Device}", ClusterTaskKinds.OsdAddDbVg, request.ToArguments(),
            (_, _) => Task.FromResult<string?>(Node), null);
    }
}
