using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Marks an OSD in or out of the data placement (PVC's storage osd in / osd out), as a cluster task on the primary.
/// Out moves its data to the other OSDs.
/// </summary>
[Cmdlet(VerbsCommon.Set, "PvcOsd", SupportsShouldProcess = true, DefaultParameterSetName = InSet)]
[OutputType(typeof(Osd), typeof(ClusterTask))]
public sealed class SetPvcOsdCommand : StorageTaskCmdlet
{
    private const string InSet = "In";
    private const string OutSet = "Out";

    /// <summary>The OSD's id.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("OsdId")]
    public int Id { get; set; }

    /// <summary>Mark it in: it holds data again (ceph osd in).</summary>
    [Parameter(Mandatory = true, ParameterSetName = InSet)]
    public SwitchParameter In { get; set; }

    /// <summary>Mark it out: its data moves to the other OSDs (ceph osd out).</summary>
    [Parameter(Mandatory = true, ParameterSetName = OutSet)]
    public SwitchParameter Out { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var @in = ParameterSetName == InSet;
        if (!ShouldProcess($"osd.{Id}", @in ? "Mark in" : "Mark out (its data moves to the other OSDs)"))
            return;
        var connection = Connection;
        Submit($"Marking osd.{Id} {(@in ? "in" : "out")}", $"osd.{Id}", @in ? ClusterTaskKinds.OsdIn : ClusterTaskKinds.OsdOut, new OsdIdRequest(Id).ToArguments(),
            async (_, token) => { await connection.Osds.GetAsync(Id, token); return null; },
            async (_, token) => await connection.Osds.GetAsync(Id, token));
    }
}
