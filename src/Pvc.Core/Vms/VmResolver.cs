using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

/// <summary>Finds a VM by name or UUID: one round trip for a UUID, two for a name (the list, then every name at once).</summary>
internal static class VmResolver
{
    /// <summary>
    /// Resolves a name or UUID using the connection's name hints: a known name costs one round trip (the name
    /// at the hinted UUID is checked), an unknown or stale one a full lookup.
    /// </summary>
    public static Task<VmRef> ResolveAsync(ClusterConnection cluster, string nameOrUuid, CancellationToken cancellationToken = default) =>
        ResolveAsync(cluster.ZooKeeper, nameOrUuid, cluster.VmNameHints, cancellationToken);

    private static async Task<VmRef> ResolveAsync(ZooKeeperClient zk, string nameOrUuid, System.Collections.Concurrent.ConcurrentDictionary<string, Guid>? hints, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrUuid);
        var candidate = Guid.TryParse(nameOrUuid, out var uuid) ? uuid : hints?.GetValueOrDefault(nameOrUuid);
        if (candidate is Guid id && id != Guid.Empty)
        {
            var batch = new ZnodeBatch(zk).Data(DomainKeys.Path(id));
            await batch.ReadAsync(cancellationToken);
            if (batch.Text(DomainKeys.Path(id)) is string name && (id == uuid || name == nameOrUuid))
                return new VmRef(id, name);
        }
        var all = await ListAsync(zk, cancellationToken);
        if (hints is not null)
            foreach (var v in all)
                hints[v.Name] = v.Uuid;
        return all.FirstOrDefault(v => v.Name == nameOrUuid)
            ?? throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"No VM is named '{nameOrUuid}'.") { Target = nameOrUuid };
    }

    /// <summary>Every VM's UUID and name.</summary>
    public static async Task<IReadOnlyList<VmRef>> ListAsync(ZooKeeperClient zk, CancellationToken cancellationToken = default)
    {
        var batch = new ZnodeBatch(zk).Children(BaseKeys.Domains);
        await batch.ReadAsync(cancellationToken);
        var uuids = VmReader.UuidsOf(batch.ChildrenOf(BaseKeys.Domains));
        foreach (var u in uuids)
            batch.Data(DomainKeys.Path(u));
        await batch.ReadAsync(cancellationToken);
        return [.. uuids.Select(u => (u, name: batch.Text(DomainKeys.Path(u)))).Where(p => p.name is not null).Select(p => new VmRef(p.u, p.name!))];
    }
}
