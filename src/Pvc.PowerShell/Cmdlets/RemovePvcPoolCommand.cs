using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Removes a Ceph pool and everything in it (PVC's storage pool remove), as a cluster task on the primary.</summary>
[Cmdlet(VerbsCommon.Remove, "PvcPool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ClusterTask))]
public sealed class RemovePvcPoolCommand : StorageTaskCmdlet
{
    /// <summary>The pool.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>Remove it although it holds volumes (they are destroyed with it).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new PoolRequest(Name)), Name) is not { } request
            || !ShouldProcess(request.Name, Force ? "Remove pool and every volume in it" : "Remove pool"))
            return;
        var args = request.ToArguments();
        if (Force)
            args["force"] = true;
        Submit($"Removing pool {request.Name}", request.Name, ClusterTaskKinds.PoolRemove, args,
            async (storage, token) => { await storage.CheckRemovePoolAsync(request.Name, Force, token); return null; }, NoResult);
    }
}
