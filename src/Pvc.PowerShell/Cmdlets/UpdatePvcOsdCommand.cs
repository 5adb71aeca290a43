using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Refreshes an OSD from its device (PVC's storage osd refresh), as a cluster task on the OSD's node: after a reboot or
/// a reinstall of the node, the OSD on the device is activated again, started, and its keys written again.
/// </summary>
[Cmdlet(VerbsData.Update, "PvcOsd", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Osd), typeof(ClusterTask))]
public sealed class UpdatePvcOsdCommand : StorageTaskCmdlet
{
    /// <summary>The OSD's id.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("OsdId")]
    public int Id { get; set; }

    /// <summary>The device that holds it: a path under /dev, or PVC's detect:&lt;model&gt;:&lt;size&gt;:&lt;index&gt;.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public string Device { get; set; } = "";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new OsdRefreshRequest(Id, Device)), Device) is not { } request
            || !ShouldProcess($"osd.{Id} on {Device}", "Activate the OSD again from its device and record it"))
            return;
        var connection = Connection;
        Submit($"Refreshing osd.{Id} from {Device}", $"osd.{Id}", ClusterTaskKinds.OsdRefresh, request.ToArguments(),
            async (_, token) => (await connection.Osds.GetAsync(Id, token)).Node,
            async (_, token) => await connection.Osds.GetAsync(Id, token));
    }
}
