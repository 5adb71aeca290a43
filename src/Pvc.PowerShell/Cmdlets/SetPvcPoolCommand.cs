using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Sets a pool's placement groups (PVC's storage pool set-pgs), as a cluster task on the primary.</summary>
[Cmdlet(VerbsCommon.Set, "PvcPool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Pool), typeof(ClusterTask))]
public sealed class SetPvcPoolCommand : StorageTaskCmdlet
{
    /// <summary>The pool.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>The new number of placement groups: a power of two.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public int PlacementGroups { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new PoolRequest(Name, PlacementGroups)), Name) is not { } request
            || !ShouldProcess(request.Name, $"Set placement groups to {request.PlacementGroups}"))
            return;
        Submit($"Setting the placement groups of pool {request.Name}", request.Name, ClusterTaskKinds.PoolSetPgs, request.ToArguments(),
            async (storage, token) => { await storage.CheckSetPoolPgsAsync(request, token); return null; }, PoolResult(request.Name));
    }
}
