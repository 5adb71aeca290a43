using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Sets a cluster-wide OSD flag such as noout (PVC's storage osd set), as a cluster task on the primary.</summary>
[Cmdlet(VerbsCommon.Set, "PvcOsdFlag", SupportsShouldProcess = true)]
[OutputType(typeof(string), typeof(ClusterTask))]
public sealed class SetPvcOsdFlagCommand : StorageTaskCmdlet
{
    /// <summary>The flags to set.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public OsdFlag[] Flag { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var flag in Flag)
        {
            var name = OsdFlagNames.ToCeph(flag);
            if (ShouldProcess(name, "Set OSD flag"))
                Submit($"Setting OSD flag {name}", name, ClusterTaskKinds.OsdSet, new OsdFlagRequest(flag).ToArguments(),
                    (_, _) => Task.FromResult<string?>(null), (task, _) => Task.FromResult<object?>(task.Result?["flags"]?.AsArray().Select(f => f?.GetValue<string>()).ToArray()));
        }
    }
}
