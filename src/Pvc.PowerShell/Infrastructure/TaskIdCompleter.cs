using System.Collections;
using Pvc.Core.Connection;
using Pvc.Core.Tasks;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>Completes task ids (newest first) from the cluster of an already-bound <c>-Cluster</c>, else the runspace's default.</summary>
public sealed class TaskIdCompleter : LiveNameCompleter
{
    /// <inheritdoc />
    protected override async Task<IEnumerable<string>> NamesAsync(ClusterConnection cluster, IDictionary bound) =>
        (await cluster.Tasks.ListAsync()).Select(t => t.Id);
}
