using System.Collections;
using Pvc.Core.Connection;
using Pvc.Core.Vms;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>Completes VM names from the cluster of an already-bound <c>-Cluster</c>, else the runspace's default.</summary>
public sealed class VmNameCompleter : LiveNameCompleter
{
    /// <inheritdoc />
    protected override async Task<IEnumerable<string>> NamesAsync(ClusterConnection cluster, IDictionary bound) =>
        (await cluster.Vms.ListNamesAsync()).Select(v => v.Name);
}
