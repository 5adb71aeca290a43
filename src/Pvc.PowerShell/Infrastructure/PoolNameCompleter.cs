using System.Collections;
using Pvc.Core.Connection;
using Pvc.Core.Storage;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>Completes pool names from the cluster of an already-bound <c>-Cluster</c>, else the runspace's default.</summary>
public sealed class PoolNameCompleter : LiveNameCompleter
{
    /// <inheritdoc />
    protected override async Task<IEnumerable<string>> NamesAsync(ClusterConnection cluster, IDictionary bound) =>
        (await cluster.Pools.ListAsync()).Select(p => p.Name);
}
