using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

/// <summary>Finds a VM by name or UUID: one round trip for a UUID, two for a name (the list, then every name at once).</summary>
public static class VmResolver
{
    /// <summary>Resolves a name or UUID.</summary>
    /// <exception cref="PvcNotFoundException">No VM has that name or UUID.</exception>
    public static async Task<VmRef> ResolveAsync(ZooKeeperClient zk, string nameOrUuid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrUuid);
        var batch = new ZnodeBatch(zk);
        if (Guid.TryParse(nameOrUuid, out var uuid))
        {
            batch.Data(DomainKeys.Path(uuid));
            await batch.ReadAsync(cancellationToken);
            if (batch.Text(DomainKeys.Path(uuid)) is string byUuid)
                return new VmRef(uuid, byUuid);
        }
        var all = await ListAsync(zk, cancellationToken);
        return all.FirstOrDefault(v => v.Name == nameOrUuid)
            ?? throw new PvcNotFoundException("VmNotFound", $"No VM is named '{nameOrUuid}'. Get-PvcVm lists the VMs.") { Target = nameOrUuid };
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
