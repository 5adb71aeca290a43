using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class SchemaValidatorTests(ZooKeeperFixture zk)
{
    private static readonly ElementSchema ReservationSchema = new("reservation", "", ["", NetworkKeys.ReservationIp, NetworkKeys.ReservationHostname]);

    /// <summary>A complete cluster: one of every element kind, each with every key.</summary>
    private static async Task<Guid> SeedCompleteAsync(ZooKeeperClient client)
    {
        var vm = Guid.NewGuid();
        await PvcSeed.ElementAsync(client, NodeKeys.Schema, "hv1");
        await PvcSeed.ElementAsync(client, DomainKeys.Schema, DomainKeys.Format(vm), new Dictionary<string, string> { [DomainKeys.Autostart] = "False" });
        await PvcSeed.ElementAsync(client, NetworkKeys.Schema, "100");
        await PvcSeed.ElementAsync(client, CephKeys.Osd, "0");
        await PvcSeed.ElementAsync(client, CephKeys.Pool, "vms");
        await PvcSeed.ElementAsync(client, CephKeys.Volume, "vms/disk0");
        await PvcSeed.ElementAsync(client, CephKeys.Snapshot, "vms/disk0/snap1");
        return vm;
    }

    [Fact]
    public async Task A_fresh_cluster_and_complete_elements_are_valid()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        await SeedCompleteAsync(connection.ZooKeeper);

        var report = await SchemaValidator.ValidateAsync(connection);

        Assert.True(report.IsValid, string.Join("\n", report.Problems));
        Assert.Equal(15, report.Version);
        foreach (var kind in new[] { "base", "node", "domain", "network", "osd", "pool", "volume", "snapshot" })
            Assert.Equal(1, report.ElementsChecked[kind]);
    }

    [Fact]
    public async Task Reports_missing_keys_of_every_element_kind_and_repair_creates_them_with_defaults()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        var vm = Guid.NewGuid();
        var uuid = DomainKeys.Format(vm);
        await PvcSeed.ElementAsync(client, NodeKeys.Schema, "hv1", null, NodeKeys.NetworkStats, NodeKeys.SriovVf);
        await PvcSeed.ElementAsync(client, DomainKeys.Schema, uuid, new Dictionary<string, string> { [DomainKeys.Autostart] = "False" },
            DomainKeys.MigrationMaxDowntime, DomainKeys.Snapshots);
        await PvcSeed.ElementAsync(client, NetworkKeys.Schema, "100", null, NetworkKeys.Mtu);
        await PvcSeed.ElementAsync(client, ReservationSchema, "networks/100/dhcp4_reservations/52:54:00:00:00:01", null, NetworkKeys.ReservationHostname);
        await PvcSeed.ElementAsync(client, CephKeys.Osd, "0", null, CephKeys.OsdIsSplit, CephKeys.OsdLvm, CephKeys.OsdLvmVg, CephKeys.OsdLvmLv);
        await PvcSeed.ElementAsync(client, CephKeys.Pool, "vms", null, CephKeys.PoolTier);
        await PvcSeed.ElementAsync(client, CephKeys.Volume, "vms/disk0", null, CephKeys.Stats);
        await PvcSeed.ElementAsync(client, CephKeys.Snapshot, "vms/disk0/snap1", null, CephKeys.Stats);
        await client.DeleteAsync(BaseKeys.UpstreamIp);

        var report = await SchemaValidator.ValidateAsync(connection);
        var expected = new Dictionary<string, string>
        {
            [BaseKeys.UpstreamIp] = "",
            ["/nodes/hv1/sriov/vf"] = "",
            ["/nodes/hv1/network_stats"] = "",
            [$"/domains/{uuid}/migration_max_downtime"] = "300",
            [$"/domains/{uuid}/snapshots"] = "",
            ["/networks/100/mtu"] = "",
            ["/networks/100/dhcp4_reservations/52:54:00:00:00:01/hostname"] = "",
            ["/ceph/osds/0/lvm"] = "",
            ["/ceph/osds/0/lvm/vg"] = "",
            ["/ceph/osds/0/lvm/lv"] = "",
            ["/ceph/osds/0/is_split"] = "False",
            ["/ceph/pools/vms/tier"] = "default",
            ["/ceph/volumes/vms/disk0/stats"] = "",
            ["/ceph/snapshots/vms/disk0/snap1/stats"] = "",
        };
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), report.Problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.All(report.Problems, p => Assert.Equal(SchemaProblemKind.MissingKey, p.Kind));
        Assert.All(report.Problems, p => Assert.Equal(expected[p.Path], p.Default));
        var downtime = Assert.Single(report.Problems, p => p.Path.EndsWith("migration_max_downtime", StringComparison.Ordinal));
        Assert.Equal(("domain", uuid), (downtime.ElementKind, downtime.Item));
        Assert.Equal("vms/disk0/snap1", Assert.Single(report.Problems, p => p.ElementKind == "snapshot").Item);
        Assert.Equal("base", report.Problems[0].ElementKind);

        var result = await SchemaValidator.RepairAsync(connection);

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), result.Created.Order(StringComparer.Ordinal));
        Assert.Empty(result.Unrepaired);
        foreach (var (path, value) in expected)
            Assert.Equal(value, await PvcSeed.ReadAsync(client, path));
        Assert.True((await SchemaValidator.ValidateAsync(connection)).IsValid);
    }

    [Fact]
    public async Task Repair_is_one_transaction_per_element()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        await PvcSeed.ElementAsync(client, CephKeys.Osd, "0", null, CephKeys.OsdFsid, CephKeys.OsdFsidOsd, CephKeys.OsdFsidCluster, CephKeys.OsdIsSplit);
        await PvcSeed.ElementAsync(client, CephKeys.Osd, "1", null, CephKeys.OsdIsSplit);

        await SchemaValidator.RepairAsync(connection);

        var osd0 = new[] { "/fsid", "/fsid/osd", "/fsid/cluster", "/is_split" };
        var zxids0 = new List<long>();
        foreach (var key in osd0)
            zxids0.Add((await client.ExistsAsync(CephKeys.Osd.Path("0", key)))!.CreatedZxid);
        var zxid1 = (await client.ExistsAsync(CephKeys.Osd.Path("1", CephKeys.OsdIsSplit)))!.CreatedZxid;
        Assert.Single(zxids0.Distinct());
        Assert.NotEqual(zxids0[0], zxid1);
    }

    [Fact]
    public async Task Lock_children_and_unknown_keys_are_neither_reported_nor_touched()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        var vm = await SeedCompleteAsync(client);
        var uuid = DomainKeys.Format(vm);
        await client.DeleteAsync(DomainKeys.Path(vm, DomainKeys.MigrationMaxDowntime));
        // lock children where PVC's kazoo locks leave them, and one directly in an element list
        var locks = new[]
        {
            $"{DomainKeys.Path(vm, DomainKeys.State)}/{PvcSeed.LockName()}",
            $"{BaseKeys.SchemaVersion}/{PvcSeed.LockName(read: true)}",
            $"{BaseKeys.Domains}/{PvcSeed.LockName(3)}",
            $"{BaseKeys.Osds}/{PvcSeed.LockName(4)}",
            $"/ceph/volumes/vms/{PvcSeed.LockName(5)}",
        };
        foreach (var path in locks)
            await PvcSeed.CreateAsync(client, path);
        // keys the schema does not know: stray root keys (as PVC's init leaves), extra children
        await PvcSeed.CreateAsync(client, "/sriov");
        await PvcSeed.CreateAsync(client, "/tags", "x");
        await PvcSeed.CreateAsync(client, "/nodes/hv1/unknown_key", "x");
        var before = await PvcSeed.DumpAsync(client);

        var report = await SchemaValidator.ValidateAsync(connection);
        var problem = Assert.Single(report.Problems);
        Assert.Equal($"/domains/{uuid}/migration_max_downtime", problem.Path);
        Assert.Equal(1, report.ElementsChecked["domain"]);
        Assert.Equal(1, report.ElementsChecked["osd"]);
        Assert.Equal(1, report.ElementsChecked["volume"]);

        var result = await SchemaValidator.RepairAsync(connection);

        Assert.Equal([problem.Path], result.Created);
        var after = await PvcSeed.DumpAsync(client);
        Assert.Equal("300", after[problem.Path].Data);
        after.Remove(problem.Path);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Reports_values_PVC_cannot_read_and_repair_leaves_them()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        var vm = await SeedCompleteAsync(client);
        await client.SetDataAsync(DomainKeys.Path(vm, DomainKeys.Autostart), "true"u8.ToArray());
        await client.SetDataAsync(BaseKeys.Maintenance, "True"u8.ToArray());
        var before = await PvcSeed.DumpAsync(client);

        var report = await SchemaValidator.ValidateAsync(connection);

        Assert.Equal(2, report.Problems.Count);
        Assert.All(report.Problems, p => Assert.Equal(SchemaProblemKind.InvalidValue, p.Kind));
        Assert.All(report.Problems, p => Assert.False(p.IsRepairable));
        Assert.Equal(("base", BaseKeys.Maintenance, "True"), (report.Problems[0].ElementKind, report.Problems[0].Path, report.Problems[0].Found));
        Assert.Equal(("domain", "true"), (report.Problems[1].ElementKind, report.Problems[1].Found));

        var result = await SchemaValidator.RepairAsync(connection);
        Assert.Empty(result.Created);
        Assert.Equal(report.Problems, result.Unrepaired);
        Assert.Equal(before, await PvcSeed.DumpAsync(client));
    }

    [Fact]
    public async Task A_missing_autostart_is_repaired_as_False_so_PVC_still_lists_the_VM()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var vm = Guid.NewGuid();
        await PvcSeed.ElementAsync(connection.ZooKeeper, DomainKeys.Schema, DomainKeys.Format(vm), null, DomainKeys.Autostart);

        await SchemaValidator.RepairAsync(connection);

        Assert.Equal("False", await PvcSeed.ReadAsync(connection.ZooKeeper, DomainKeys.Path(vm, DomainKeys.Autostart)));
    }

    [Theory]
    [InlineData("14")]
    [InlineData("16")]
    [InlineData("0")]
    [InlineData("banana")]
    public async Task Other_schema_versions_are_refused_clearly_and_nothing_is_changed(string version)
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        await PvcSeed.ElementAsync(client, CephKeys.Osd, "0", null, CephKeys.OsdIsSplit);
        await client.SetDataAsync(BaseKeys.SchemaVersion, System.Text.Encoding.UTF8.GetBytes(version));
        var before = await PvcSeed.DumpAsync(client);

        var validate = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidData, () => SchemaValidator.ValidateAsync(connection));
        var repair = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidData, () => SchemaValidator.RepairAsync(connection));

        foreach (var e in new[] { validate, repair })
        {
            Assert.Equal("UnsupportedSchemaVersion", e.ErrorId);
            Assert.Contains($"'{version}'", e.Message, StringComparison.Ordinal);
            Assert.Contains("version 15", e.Message, StringComparison.Ordinal);
        }
        Assert.Equal(before, await PvcSeed.DumpAsync(client));
    }

    [Fact]
    public async Task An_uninitialised_ZooKeeper_is_refused()
    {
        await using var connection = await ClusterConnection.ConnectAsync(new() { Servers = [await zk.NewChrootAsync()] });
        await PvcSeed.CreateAsync(connection.ZooKeeper, "/nodes/hv1");

        var validate = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidData, () => SchemaValidator.ValidateAsync(connection));
        var repair = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidData, () => SchemaValidator.RepairAsync(connection));

        Assert.Equal("ClusterNotInitialized", validate.ErrorId);
        Assert.Equal("ClusterNotInitialized", repair.ErrorId);
        Assert.Equal(["nodes"], (await connection.ZooKeeper.GetChildrenAsync("/")).Children);
        Assert.Equal(["hv1"], (await connection.ZooKeeper.GetChildrenAsync("/nodes")).Children);
    }

    [Fact]
    public async Task Validation_takes_four_round_trips_however_large_the_cluster()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        for (var i = 0; i < 30; i++)
            await PvcSeed.ElementAsync(client, DomainKeys.Schema, DomainKeys.Format(Guid.NewGuid()), new Dictionary<string, string> { [DomainKeys.Autostart] = "False" });
        await PvcSeed.ElementAsync(client, CephKeys.Snapshot, "vms/disk0/snap1");
        await PvcSeed.ElementAsync(client, CephKeys.Snapshot, "vms/disk1/snap1");

        var counter = new ReadCounter();
        var report = await SchemaValidator.ValidateAsync(connection, counter: counter);

        Assert.Equal(30, report.ElementsChecked["domain"]);
        Assert.Equal(2, report.ElementsChecked["snapshot"]);
        Assert.Equal(4, counter.Waves);
    }
}
