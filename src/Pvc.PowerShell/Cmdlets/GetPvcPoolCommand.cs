using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets the cluster's Ceph pools (PVC's storage pool list).</summary>
[Cmdlet(VerbsCommon.Get, "PvcPool")]
[OutputType(typeof(Pool))]
public sealed class GetPvcPoolCommand : ClusterCmdlet
{
    /// <summary>Pool names; wildcards allowed. All pools when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() =>
        WriteMatching<Pool>(Name, async (pattern, token) =>
        {
            var pools = await Connection.Pools.ListAsync(cancellationToken: token);
            return [.. pools.Where(p => pattern is null || pattern.IsMatch(p.Name))];
        }, "pool", "PoolNotFound");
}
