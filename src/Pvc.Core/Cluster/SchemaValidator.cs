using System.Text;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Cluster;

/// <summary>
/// Checks a cluster's znodes against schema version 15 and creates what is missing, as PVC's
/// <c>ZKSchema.validate()</c>/<c>apply()</c> do at every daemon start: the base keys, and the keys of every
/// existing node, VM (domain), network, OSD, pool, volume (<c>/ceph/volumes/&lt;pool&gt;/&lt;volume&gt;</c>) and
/// snapshot (<c>/ceph/snapshots/&lt;pool&gt;/&lt;volume&gt;/&lt;snapshot&gt;</c>), and of each network's DHCP
/// reservations and firewall rules.
/// </summary>
/// <remarks>
/// <para>Lock children (kazoo's lock contender znodes) and znodes the schema does not know (stray root keys,
/// <c>/patroni</c>, extra children) are tolerated: never reported, never touched.</para>
/// <para>Where PVC's validation is wrong, this is not: reservations are checked for <c>/ipaddr</c> and
/// <c>/hostname</c> and rules for <c>/rule</c> and <c>/order</c>, the keys PVC writes (PVC checks keys
/// named after its logical names, which its own writers never create). A missing <c>node_autostart</c> is
/// created as "False", not "", since PVC's VM listing drops a VM whose autostart is not exactly True/False.
/// The other defaults are PVC's (<see cref="ElementSchema.DefaultOf"/>; base keys those of a new cluster,
/// <see cref="ClusterInitializer.InitialValues"/>).</para>
/// <para>Reading costs a fixed number of round trips (four), however many elements the cluster has.</para>
/// </remarks>
public static class SchemaValidator
{
    private static readonly ElementSchema Reservation = new("reservation", "", [NetworkKeys.Root, NetworkKeys.ReservationIp, NetworkKeys.ReservationHostname]);
    private static readonly ElementSchema Rule = new("rule", "", [NetworkKeys.Root, NetworkKeys.RuleText, NetworkKeys.RuleOrder]);
    private static readonly IReadOnlyDictionary<string, string> BaseDefaults =
        ClusterInitializer.InitialValues("").ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    /// <summary>Reports every missing key and every value PVC's tools cannot read. Changes nothing.</summary>
    /// <exception cref="PvcException">InvalidData: "ClusterNotInitialized" or "UnsupportedSchemaVersion" (see <see cref="SchemaVersion.EnsureSupported"/>).</exception>
    public static async Task<SchemaReport> ValidateAsync(ClusterConnection connection, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return (await ScanAsync(connection.ZooKeeper, counter, cancellationToken)).Report;
    }

    /// <summary>
    /// Creates every missing key with its default, one transaction per element (and one for the base keys,
    /// first). Each transaction also checks that <c>/schema/version</c> is unchanged since the validation, so
    /// nothing is written into a cluster whose schema was migrated meanwhile. Invalid values are reported,
    /// not rewritten.
    /// </summary>
    /// <exception cref="PvcException">InvalidData: "ClusterNotInitialized" or "UnsupportedSchemaVersion"; nothing is changed.</exception>
    /// <exception cref="PvcException">WriteConflict: "SchemaVersionChanged": the schema version changed during the repair.</exception>
    public static async Task<SchemaRepairResult> RepairAsync(ClusterConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var client = connection.ZooKeeper;
        var (report, versionStat) = await ScanAsync(client, null, cancellationToken);
        var unrepaired = report.Problems.Where(p => !p.IsRepairable).ToList();
        var groups = report.Problems.Where(p => p.IsRepairable).GroupBy(p => (p.ElementKind, p.Item)).ToList();
        var created = new List<string>();

        async Task<(IReadOnlyList<string> Created, IReadOnlyList<SchemaProblem> Left)> RepairElementAsync(IReadOnlyList<SchemaProblem> problems)
        {
            Op[] ops = [Op.Check(BaseKeys.SchemaVersion, versionStat), .. problems.Select(p => Op.Create(p.Path, Encoding.UTF8.GetBytes(p.Default!)))];
            try
            {
                await client.MultiAsync(ops, cancellationToken);
                return (problems.Select(p => p.Path).ToList(), []);
            }
            catch (ZooKeeperException e) when (e.FailedOperationIndex == 0)
            {
                throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.SchemaVersionChanged,
                    $"{BaseKeys.SchemaVersion} changed during the repair; keys created so far stay. Validate again.", e);
            }
            catch (ZooKeeperException e) when (e is NodeExistsException or NoNodeException)
            {
                // the element was created, repaired or deleted by someone else meanwhile: nothing of this transaction was applied
                return ([], problems);
            }
        }

        // base keys first: the elements' parents are among them
        foreach (var group in groups.Where(g => g.Key.ElementKind == "base"))
        {
            var (c, left) = await RepairElementAsync(group.ToList());
            created.AddRange(c);
            unrepaired.AddRange(left);
        }
        var results = await Task.WhenAll(groups.Where(g => g.Key.ElementKind != "base").Select(g => RepairElementAsync(g.ToList())));
        foreach (var (c, left) in results)
        {
            created.AddRange(c);
            unrepaired.AddRange(left);
        }
        return new SchemaRepairResult(created, unrepaired);
    }

    /// <summary>One element to check: its keys are <see cref="RootPath"/> + each sub-path.</summary>
    private sealed record Element(string Kind, string? Item, string RootPath, IReadOnlyList<string> SubPaths, Func<string, string> DefaultOf)
    {
        public IEnumerable<string> KeyPaths => SubPaths.Where(s => s.Length > 0).Select(s => RootPath + s);
    }

    private static async Task<(SchemaReport Report, int VersionStat)> ScanAsync(ZooKeeperClient client, ReadCounter? counter, CancellationToken cancellationToken)
    {
        var batch = new ZnodeBatch(client, counter);
        var elements = new List<Element>();

        void Add(Element element)
        {
            elements.Add(element);
            foreach (var key in element.KeyPaths)
                batch.Children(ParentOf(key));
        }

        IReadOnlyList<string> ChildrenOf(string path) => LockNodes.Without(batch.ChildrenOf(path) ?? []).ToList();

        Element Of(ElementSchema schema, string item, string rootPath, Func<string, string>? defaultOf = null) =>
            new(schema.Kind, item, rootPath, schema.SubPaths, defaultOf ?? schema.DefaultOf);

        // wave 1: the version, the base keys, the element lists
        batch.Data(BaseKeys.SchemaVersion).Data(BaseKeys.Maintenance);
        Add(new Element("base", null, "", BaseKeys.All, k => BaseDefaults[k]));
        string[] lists = [BaseKeys.Nodes, BaseKeys.Domains, BaseKeys.Networks, BaseKeys.Osds, BaseKeys.Pools, BaseKeys.Volumes, BaseKeys.Snapshots];
        foreach (var list in lists)
            batch.Children(list);
        await batch.ReadAsync(cancellationToken);
        var version = SchemaVersion.EnsureSupported(batch.Text(BaseKeys.SchemaVersion));
        var versionStat = batch.StatOf(BaseKeys.SchemaVersion)!.Version;

        // wave 2: the first-level elements, the pool layers, the networks' reservation and rule lists
        foreach (var node in ChildrenOf(BaseKeys.Nodes))
            Add(Of(NodeKeys.Schema, node, NodeKeys.Schema.Root(node)));
        foreach (var vm in ChildrenOf(BaseKeys.Domains))
        {
            Add(Of(DomainKeys.Schema, vm, DomainKeys.Schema.Root(vm),
                s => s == DomainKeys.Autostart ? PvcBool.Encode(false) : DomainKeys.Schema.DefaultOf(s)));
            batch.Data(DomainKeys.Schema.Path(vm, DomainKeys.Autostart));
        }
        var networks = ChildrenOf(BaseKeys.Networks);
        foreach (var vni in networks)
        {
            Add(Of(NetworkKeys.Schema, vni, NetworkKeys.Schema.Root(vni)));
            batch.Children(NetworkKeys.Schema.Path(vni, NetworkKeys.Reservations))
                .Children(NetworkKeys.Schema.Path(vni, NetworkKeys.RulesIn))
                .Children(NetworkKeys.Schema.Path(vni, NetworkKeys.RulesOut));
        }
        foreach (var osd in ChildrenOf(BaseKeys.Osds))
            Add(Of(CephKeys.Osd, osd, CephKeys.Osd.Root(osd)));
        foreach (var pool in ChildrenOf(BaseKeys.Pools))
            Add(Of(CephKeys.Pool, pool, CephKeys.Pool.Root(pool)));
        var volumePools = ChildrenOf(BaseKeys.Volumes);
        var snapshotPools = ChildrenOf(BaseKeys.Snapshots);
        foreach (var pool in volumePools)
            batch.Children($"{BaseKeys.Volumes}/{pool}");
        foreach (var pool in snapshotPools)
            batch.Children($"{BaseKeys.Snapshots}/{pool}");
        await batch.ReadAsync(cancellationToken);

        // wave 3: volumes, reservations, rules, the snapshots' volume layer
        foreach (var vni in networks)
        {
            var reservations = NetworkKeys.Schema.Path(vni, NetworkKeys.Reservations);
            foreach (var mac in ChildrenOf(reservations))
                Add(Of(Reservation, $"{vni}/{mac}", $"{reservations}/{mac}"));
            foreach (var (direction, path) in new[] { ("in", NetworkKeys.RulesIn), ("out", NetworkKeys.RulesOut) })
            {
                var rules = NetworkKeys.Schema.Path(vni, path);
                foreach (var rule in ChildrenOf(rules))
                    Add(Of(Rule, $"{vni}/{direction}/{rule}", $"{rules}/{rule}"));
            }
        }
        foreach (var pool in volumePools)
            foreach (var volume in ChildrenOf($"{BaseKeys.Volumes}/{pool}"))
                Add(Of(CephKeys.Volume, $"{pool}/{volume}", CephKeys.Volume.Root($"{pool}/{volume}")));
        var snapshotVolumes = snapshotPools.SelectMany(pool => ChildrenOf($"{BaseKeys.Snapshots}/{pool}").Select(volume => $"{pool}/{volume}")).ToList();
        foreach (var volume in snapshotVolumes)
            batch.Children($"{BaseKeys.Snapshots}/{volume}");
        await batch.ReadAsync(cancellationToken);

        // wave 4: snapshots
        foreach (var volume in snapshotVolumes)
            foreach (var snapshot in ChildrenOf($"{BaseKeys.Snapshots}/{volume}"))
                Add(Of(CephKeys.Snapshot, $"{volume}/{snapshot}", CephKeys.Snapshot.Root($"{volume}/{snapshot}")));
        await batch.ReadAsync(cancellationToken);

        var problems = new List<SchemaProblem>();
        foreach (var element in elements)
        {
            foreach (var key in element.KeyPaths)
            {
                var parent = batch.ChildrenOf(ParentOf(key));
                if (parent is null || !parent.Contains(NameOf(key), StringComparer.Ordinal))
                {
                    var of = element.Item is null ? "" : $" of {element.Kind} {element.Item}";
                    var value = element.DefaultOf(key[element.RootPath.Length..]);
                    problems.Add(new SchemaProblem(SchemaProblemKind.MissingKey, element.Kind, element.Item, key, null, value,
                        $"Key {key}{of} is missing (a repair creates it with \"{value}\")."));
                }
            }
            if (element.Kind == DomainKeys.Schema.Kind
                && batch.Text(element.RootPath + DomainKeys.Autostart) is { } autostart
                && autostart != PvcBool.Encode(true) && autostart != PvcBool.Encode(false))
                problems.Add(Invalid(element, element.RootPath + DomainKeys.Autostart, autostart,
                    "is not exactly \"True\" or \"False\"; PVC's tools leave this VM out of every listing"));
        }
        if (batch.Text(BaseKeys.Maintenance) is { } maintenance
            && maintenance != PvcBool.EncodeLowercase(true) && maintenance != PvcBool.EncodeLowercase(false))
            problems.Add(Invalid(elements[0], BaseKeys.Maintenance, maintenance,
                "is not \"true\" or \"false\"; PVC reads anything but \"true\" as maintenance off"));

        var checkedCounts = elements.GroupBy(e => e.Kind).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var ordered = problems.OrderBy(p => p.ElementKind == "base" ? 0 : 1).ToList(); // stable: elements keep discovery order
        return (new SchemaReport(version, checkedCounts, ordered), versionStat);
    }

    private static SchemaProblem Invalid(Element element, string path, string found, string why) =>
        new(SchemaProblemKind.InvalidValue, element.Kind, element.Item, path, found, null, $"Key {path} is \"{found}\", which {why}.");

    private static string ParentOf(string path)
    {
        var i = path.LastIndexOf('/');
        return i <= 0 ? "/" : path[..i];
    }

    private static string NameOf(string path) => path[(path.LastIndexOf('/') + 1)..];
}
