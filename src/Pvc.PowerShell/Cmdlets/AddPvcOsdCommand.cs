using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Makes a new OSD on a node's block device (PVC's storage osd add), as a cluster task on that node: the device is
/// zapped, so everything on it is lost.
/// </summary>
[Cmdlet(VerbsCommon.Add, "PvcOsd", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(Osd), typeof(ClusterTask))]
public sealed class AddPvcOsdCommand : StorageTaskCmdlet
{
    /// <summary>The node whose disk it is.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string Node { get; set; } = "";

    /// <summary>The device: a path under /dev, or PVC's detect:&lt;model&gt;:&lt;size&gt;:&lt;index&gt;.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public string Device { get; set; } = "";

    /// <summary>The crush weight (PVC's default 1.0; by convention the device's size in TiB).</summary>
    [Parameter]
    public double Weight { get; set; } = OsdAddRequest.DefaultWeight;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new OsdAddRequest(Device, Weight)), Device) is not { } request
            || !ShouldProcess($"{Device} on {Node}", "Destroy everything on the device and make an OSD of it"))
            return;
        var connection = Connection;
        Submit($"Adding an OSD on {Node}:{Device}", $"{Node}:{Device}", ClusterTaskKinds.OsdAdd, request.ToArguments(),
            (_, _) => Task.FromResult<string?>(Node),
            async (task, token) => task.Result?["osd_id"]?.GetValue<int>() is { } id ? await connection.Osds.GetAsync(id, token) : null);
    }
}
