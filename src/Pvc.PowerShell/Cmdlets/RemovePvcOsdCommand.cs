using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Removes an OSD (PVC's storage osd remove), as a cluster task on the OSD's node: out, its data moved to other OSDs,
/// stopped, purged from Ceph, its device zapped and its keys removed.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "PvcOsd", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ClusterTask))]
public sealed class RemovePvcOsdCommand : StorageTaskCmdlet
{
    /// <summary>The OSD's id.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("OsdId")]
    public int Id { get; set; }

    /// <summary>Remove it even when no other OSD can take its data (the data is lost), going on through failed steps (PVC's --force).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var request = new OsdIdRequest(Id, Force);
        if (!ShouldProcess($"osd.{Id}", Force ? "Remove the OSD, even if its data is lost" : "Remove the OSD once its data lives elsewhere"))
            return;
        var connection = Connection;
        Submit($"Removing osd.{Id}", $"osd.{Id}", ClusterTaskKinds.OsdRemove, request.ToArguments(),
            async (_, token) => (await connection.Osds.GetAsync(Id, token)).Node, NoResult);
    }
}
