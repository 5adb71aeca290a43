using System.Collections;
using Pvc.Core.Connection;
using Pvc.Core.Nodes;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>Completes node names from the cluster of an already-bound <c>-Cluster</c>, else the runspace's default.</summary>
public sealed class NodeNameCompleter : LiveNameCompleter
{
    /// <inheritdoc />
    protected override async Task<IEnumerable<string>> NamesAsync(ClusterConnection cluster, IDictionary bound) =>
        (await cluster.Nodes.ListAsync()).Select(n => n.Name);
}
