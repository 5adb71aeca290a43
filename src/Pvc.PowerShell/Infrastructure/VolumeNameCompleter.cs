using System.Collections;
using System.Management.Automation;
using Pvc.Core.Connection;
using Pvc.Core.Storage;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>Completes volume names: of the pool already bound to <c>-Pool</c>, else of every pool.</summary>
public sealed class VolumeNameCompleter : LiveNameCompleter
{
    /// <inheritdoc />
    protected override async Task<IEnumerable<string>> NamesAsync(ClusterConnection cluster, IDictionary bound)
    {
        var pool = bound["Pool"] is { } p ? (p is PSObject o ? o.BaseObject : p).ToString() : null;
        var volumes = await cluster.Volumes.ListAsync(pool is { Length: > 0 } && PoolName.IsValid(pool) ? pool : null);
        return volumes.Select(v => v.Name).Distinct(StringComparer.Ordinal);
    }
}
