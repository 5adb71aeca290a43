using System.Management.Automation;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Creates a Ceph pool for RBD volumes (PVC's storage pool add), as a cluster task on the primary.</summary>
[Cmdlet(VerbsCommon.New, "PvcPool", SupportsShouldProcess = true)]
[OutputType(typeof(Pool), typeof(ClusterTask))]
public sealed class NewPvcPoolCommand : StorageTaskCmdlet
{
    /// <summary>The pool's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>Placement groups: a power of two.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public int PlacementGroups { get; set; }

    /// <summary>The device class its data goes on (default: any).</summary>
    [Parameter]
    public PoolTier Tier { get; set; } = PoolTier.Default;

    /// <summary>
    /// Copies, as PVC's replcfg: copies=N,mincopies=M (default copies=3,mincopies=2). Typed without quotes PowerShell
    /// reads the comma as an array of the two parts, so the parts are joined again.
    /// </summary>
    [Parameter]
    public string[] Replication { get; set; } = [PoolReplication.Default.ToString()];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new PoolRequest(Name, PlacementGroups, Tier, PoolReplication.Parse(string.Join(',', Replication)))), Name) is not { } request
            || !ShouldProcess(request.Name, $"Create pool ({request.PlacementGroups} placement groups, tier {Wire.PoolTier.Encode(request.Tier)}, {request.Replication})"))
            return;
        Submit($"Creating pool {request.Name}", request.Name, ClusterTaskKinds.PoolAdd, request.ToArguments(),
            async (storage, token) => { await storage.CheckAddPoolAsync(request, token); return null; }, PoolResult(request.Name));
    }
}
