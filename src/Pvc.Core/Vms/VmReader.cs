using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

/// <summary>
/// Reads VMs in three round trips whatever their number: the UUID list; every VM's name, node, state and
/// tag names; then the rest of the keys of the VMs that pass the filter.
/// </summary>
public static class VmReader
{
    private static readonly string[] DetailKeys =
    [
        DomainKeys.Xml, DomainKeys.LastNode, DomainKeys.FailedReason, DomainKeys.Profile, DomainKeys.Stats,
        DomainKeys.Autostart, DomainKeys.MigrationMethod, DomainKeys.MigrationMaxDowntime, DomainKeys.NodeSelector,
        DomainKeys.NodeLimit, DomainKeys.ConsoleVnc,
    ];

    /// <summary>The VMs that pass the filter, sorted by name.</summary>
    public static async Task<IReadOnlyList<Vm>> ListAsync(ZooKeeperClient zk, VmFilter? filter = null, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        filter ??= VmFilter.All;
        var batch = new ZnodeBatch(zk, counter).Children(BaseKeys.Domains).Data(BaseKeys.SchemaVersion);
        await batch.ReadAsync(cancellationToken);
        SchemaVersion.EnsureSupported(batch.Text(BaseKeys.SchemaVersion));
        var uuids = UuidsOf(batch.ChildrenOf(BaseKeys.Domains));
        foreach (var uuid in uuids)
            batch.Data(DomainKeys.Path(uuid)).Data(DomainKeys.Path(uuid, DomainKeys.Node)).Data(DomainKeys.Path(uuid, DomainKeys.State)).Children(DomainKeys.Path(uuid, DomainKeys.Tags));
        await batch.ReadAsync(cancellationToken);
        var matched = uuids.Where(u => batch.Text(DomainKeys.Path(u)) is string name &&
            filter.Matches(u, name, batch.Text(DomainKeys.Path(u, DomainKeys.Node)), Wire.VmState.Decode(batch.Text(DomainKeys.Path(u, DomainKeys.State))), TagNames(batch, u))).ToList();
        return await DetailsAsync(batch, matched, cancellationToken);
    }

    /// <summary>One VM by UUID.</summary>
    /// <exception cref="PvcNotFoundException">No VM has that UUID.</exception>
    public static async Task<Vm> GetAsync(ZooKeeperClient zk, Guid uuid, CancellationToken cancellationToken = default)
    {
        var batch = new ZnodeBatch(zk).Data(BaseKeys.SchemaVersion);
        batch.Data(DomainKeys.Path(uuid)).Data(DomainKeys.Path(uuid, DomainKeys.Node)).Data(DomainKeys.Path(uuid, DomainKeys.State)).Children(DomainKeys.Path(uuid, DomainKeys.Tags));
        await batch.ReadAsync(cancellationToken);
        SchemaVersion.EnsureSupported(batch.Text(BaseKeys.SchemaVersion));
        if (batch.Text(DomainKeys.Path(uuid)) is null)
            throw new PvcNotFoundException("VmNotFound", $"No VM has the UUID {uuid}.") { Target = uuid };
        return (await DetailsAsync(batch, [uuid], cancellationToken))[0];
    }

    private static async Task<IReadOnlyList<Vm>> DetailsAsync(ZnodeBatch batch, IReadOnlyList<Guid> uuids, CancellationToken cancellationToken)
    {
        foreach (var uuid in uuids)
        {
            foreach (var key in DetailKeys)
                batch.Data(DomainKeys.Path(uuid, key));
            batch.Children(DomainKeys.Path(uuid, DomainKeys.Snapshots));
            foreach (var tag in TagNames(batch, uuid))
                batch.Data(DomainKeys.TagPath(uuid, tag, DomainKeys.TagType)).Data(DomainKeys.TagPath(uuid, tag, DomainKeys.TagProtected));
        }
        await batch.ReadAsync(cancellationToken);
        var vms = new Vm[uuids.Count];
        // XML parsing is the CPU-heavy part of a large listing
        Parallel.For(0, uuids.Count, i => vms[i] = Build(batch, uuids[i]));
        return [.. vms.OrderBy(v => v.Name, StringComparer.Ordinal)];
    }

    private static Vm Build(ZnodeBatch batch, Guid uuid)
    {
        string? Get(string key) => batch.Text(DomainKeys.Path(uuid, key));
        var xml = Get(DomainKeys.Xml) ?? "";
        DomainXml? parsed = null;
        string? xmlError = null;
        try
        {
            parsed = DomainXml.Parse(xml);
        }
        catch (PvcArgumentException e)
        {
            xmlError = e.Message;
        }
        return new Vm
        {
            Uuid = uuid,
            Name = batch.Text(DomainKeys.Path(uuid)) ?? "",
            State = Wire.VmState.Decode(Get(DomainKeys.State)),
            Node = PvcText.Decode(Get(DomainKeys.Node)),
            LastNode = PvcText.Decode(Get(DomainKeys.LastNode)),
            FailedReason = PvcText.Decode(Get(DomainKeys.FailedReason)),
            Profile = PvcText.Decode(Get(DomainKeys.Profile)),
            Description = parsed?.Description,
            Vcpus = parsed?.Vcpus ?? 0,
            MemoryMiB = parsed?.MemoryMiB ?? 0,
            Disks = parsed?.Disks ?? [],
            Nics = parsed?.Nics ?? [],
            Tags = [.. TagNames(batch, uuid).Select(t => new VmTag(t,
                PvcText.Decode(batch.Text(DomainKeys.TagPath(uuid, t, DomainKeys.TagType))) ?? "user",
                PvcBool.Decode(batch.Text(DomainKeys.TagPath(uuid, t, DomainKeys.TagProtected))))).OrderBy(t => t.Name, StringComparer.Ordinal)],
            NodeLimit = PvcList.DecodeComma(Get(DomainKeys.NodeLimit)),
            NodeSelector = Wire.NodeSelector.Decode(Get(DomainKeys.NodeSelector)),
            Autostart = PvcBool.Decode(Get(DomainKeys.Autostart)),
            MigrationMethod = Wire.MigrationMethod.Decode(Get(DomainKeys.MigrationMethod)),
            MigrationMaxDowntime = PvcNumber.DecodeInt(Get(DomainKeys.MigrationMaxDowntime)) ?? 300,
            Stats = VmStats.Parse(Get(DomainKeys.Stats)),
            Snapshots = [.. LockNodes.Without(batch.ChildrenOf(DomainKeys.Path(uuid, DomainKeys.Snapshots)) ?? []).Order(StringComparer.Ordinal)],
            Vnc = PvcText.Decode(Get(DomainKeys.ConsoleVnc)),
            Xml = xml,
            XmlError = xmlError,
        };
    }

    private static IReadOnlyCollection<string> TagNames(ZnodeBatch batch, Guid uuid) =>
        [.. LockNodes.Without(batch.ChildrenOf(DomainKeys.Path(uuid, DomainKeys.Tags)) ?? [])];

    /// <summary>The children of /domains that are VM UUIDs (lock nodes and strays skipped).</summary>
    internal static List<Guid> UuidsOf(IReadOnlyList<string>? children) =>
        [.. (children ?? []).Select(c => Guid.TryParse(c, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty)];
}
