using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Moves an OSD onto a new device, keeping its id (PVC's storage osd replace), as a cluster task on the OSD's node:
/// out until its data lives elsewhere, destroyed, made again on the new device (which is zapped), weighted, started
/// and marked in; the old device is zapped. (Replace is no approved verb: the OSD switches from one device to another.)
/// </summary>
[Cmdlet(VerbsCommon.Switch, "PvcOsdDevice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(Osd), typeof(ClusterTask))]
public sealed class SwitchPvcOsdDeviceCommand : StorageTaskCmdlet
{
    /// <summary>The OSD's id.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("OsdId")]
    public int Id { get; set; }

    /// <summary>The device it moves to: a path under /dev, or PVC's detect:&lt;model&gt;:&lt;size&gt;:&lt;index&gt;.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string NewDevice { get; set; } = "";

    /// <summary>The device it is on now, when its record no longer names it (PVC's --old-device).</summary>
    [Parameter]
    public string? OldDevice { get; set; }

    /// <summary>The crush weight on the new device; by default the OSD's present weight.</summary>
    [Parameter]
    public double? Weight { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new OsdReplaceRequest(Id, NewDevice, OldDevice, Weight)), NewDevice) is not { } request
            || !ShouldProcess($"osd.{Id}", $"Destroy the OSD, keeping its id, and make it again on {NewDevice} (everything on {NewDevice} and on the old device is lost)"))
            return;
        var connection = Connection;
        Submit($"Moving osd.{Id} to {NewDevice}", $"osd.{Id}", ClusterTaskKinds.OsdReplace, request.ToArguments(),
            async (_, token) => (await connection.Osds.GetAsync(Id, token)).Node,
            async (_, token) => await connection.Osds.GetAsync(Id, token));
    }
}
