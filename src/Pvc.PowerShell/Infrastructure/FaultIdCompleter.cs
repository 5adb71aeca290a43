using System.Collections;
using Pvc.Core.Connection;
using Pvc.Core.Faults;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>Completes fault ids from the cluster of an already-bound <c>-Cluster</c>, else the runspace's default.</summary>
public sealed class FaultIdCompleter : LiveNameCompleter
{
    /// <inheritdoc />
    protected override async Task<IEnumerable<string>> NamesAsync(ClusterConnection cluster, IDictionary bound) =>
        (await cluster.Faults.ListAsync()).Select(f => f.Id);
}
