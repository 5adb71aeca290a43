using System.Collections;
using System.Globalization;
using Pvc.Core.Connection;
using Pvc.Core.Networks;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>Completes networks by VNI and by description, from the cluster of an already-bound <c>-Cluster</c>, else the runspace's default.</summary>
public sealed class NetworkCompleter : LiveNameCompleter
{
    /// <inheritdoc />
    protected override async Task<IEnumerable<string>> NamesAsync(ClusterConnection cluster, IDictionary bound) =>
        (await cluster.Networks.ListAsync()).SelectMany(n => new[] { n.Vni.ToString(CultureInfo.InvariantCulture), n.Description });
}
