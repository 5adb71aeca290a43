using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Security;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;
using Pvc.ZooKeeper.Recipes;

namespace Pvc.Core.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class ClusterInitializerTests(ZooKeeperFixture zk)
{
    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        ["/schema"] = "", ["/schema/version"] = "15", ["/config"] = "lab", ["/config/maintenance"] = "false",
        ["/config/fence_lock"] = "", ["/config/primary_node"] = "none", ["/config/primary_node/sync_lock"] = "",
        ["/config/upstream_ip"] = "", ["/config/migration_target_selector"] = "mem", ["/logs"] = "", ["/faults"] = "",
        ["/nodes"] = "", ["/domains"] = "", ["/networks"] = "", ["/ceph"] = "", ["/ceph/health"] = "", ["/ceph/util"] = "",
        ["/ceph/osds"] = "", ["/ceph/pools"] = "", ["/ceph/volumes"] = "", ["/ceph/snapshots"] = "",
    };

    private static Dictionary<string, string> DataOf(IDictionary<string, (string Data, int Version, long Created)> tree) =>
        tree.Where(kv => kv.Key != "/").ToDictionary(kv => kv.Key, kv => kv.Value.Data, StringComparer.Ordinal);

    [Fact]
    public async Task Initialises_an_empty_ZooKeeper_with_every_base_key_in_one_transaction()
    {
        var chroot = await zk.NewChrootAsync();
        await using (var connection = await ClusterConnection.ConnectAsync(new() { Servers = [chroot] }))
        {
            await ClusterInitializer.InitializeAsync(connection, new ClusterInitOptions { Name = "lab", Access = ClusterAccessMode.Open });
            var tree = await PvcSeed.DumpAsync(connection.ZooKeeper);
            Assert.Equal(Expected, DataOf(tree));
            Assert.Equal(BaseKeys.All.Order(StringComparer.Ordinal), tree.Keys.Where(k => k != "/"));
            // one transaction: every key was created by the same zxid
            Assert.Single(tree.Where(kv => kv.Key != "/").Select(kv => kv.Value.Created).Distinct());
        }
        await using var reconnected = await ClusterConnection.ConnectAsync(new() { Servers = [chroot] });
        Assert.Equal("lab", reconnected.Name);
        Assert.Equal(15, reconnected.SchemaVersion);
    }

    [Fact]
    public async Task The_target_selector_can_be_given()
    {
        await using var connection = await ClusterConnection.ConnectAsync(new() { Servers = [await zk.NewChrootAsync()] });
        await ClusterInitializer.InitializeAsync(connection, new ClusterInitOptions { Name = "lab", Access = ClusterAccessMode.Open, MigrationTargetSelector = NodeSelector.Load });
        Assert.Equal("load", await PvcSeed.ReadAsync(connection.ZooKeeper, BaseKeys.MigrationTargetSelector));
    }

    [Fact]
    public async Task Refuses_an_initialised_cluster_and_changes_nothing()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        await PvcSeed.ElementAsync(connection.ZooKeeper, NodeKeys.Schema, "hv1");
        var before = await PvcSeed.DumpAsync(connection.ZooKeeper);

        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () =>
            ClusterInitializer.InitializeAsync(connection, new ClusterInitOptions { Name = "other", Access = ClusterAccessMode.Open }));
        Assert.Equal("ClusterAlreadyInitialized", e.ErrorId);
        Assert.Contains("overwrite", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await PvcSeed.DumpAsync(connection.ZooKeeper));
    }

    [Fact]
    public async Task Refuses_stray_PVC_keys_without_a_schema_version_and_changes_nothing()
    {
        await using var connection = await ClusterConnection.ConnectAsync(new() { Servers = [await zk.NewChrootAsync()] });
        await PvcSeed.CreateAsync(connection.ZooKeeper, "/nodes/hv1", "coordinator");
        var before = await PvcSeed.DumpAsync(connection.ZooKeeper);

        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () =>
            ClusterInitializer.InitializeAsync(connection, new ClusterInitOptions { Name = "lab", Access = ClusterAccessMode.Open }));
        Assert.Equal("ClusterDataPresent", e.ErrorId);
        Assert.Contains("/nodes", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await PvcSeed.DumpAsync(connection.ZooKeeper));
    }

    [Fact]
    public async Task Overwrite_replaces_the_PVC_tree_lock_children_included_and_leaves_other_root_keys()
    {
        await using var connection = await TestCluster.InitializedAsync(zk, "old");
        var client = connection.ZooKeeper;
        var vm = Guid.NewGuid();
        await PvcSeed.ElementAsync(client, NodeKeys.Schema, "hv1");
        await PvcSeed.ElementAsync(client, DomainKeys.Schema, DomainKeys.Format(vm));
        await PvcSeed.CreateAsync(client, $"{DomainKeys.Path(vm, DomainKeys.State)}/{PvcSeed.LockName()}");
        await PvcSeed.CreateAsync(client, "/patroni/pvc/leader", "hv1");
        await PvcSeed.CreateAsync(client, "/db_device", "");
        await PvcSeed.CreateAsync(client, "/zookeeper/quota", "");
        await PvcSeed.AddFaultAsync(client, "DEAD_NODE_HV2", 50, "dead", "2025-01-01 00:00:00", "2025-01-01 00:00:00");
        // a lock held by another session (an ephemeral lock child, as a running node service leaves)
        await using var other = await ZooKeeperClient.ConnectAsync(connection.Servers);
        var held = new ZooKeeperLock(other, BaseKeys.PrimaryNode);
        await held.AcquireAsync(TimeSpan.FromSeconds(10));
        var before = await PvcSeed.DumpAsync(client);

        await ClusterInitializer.InitializeAsync(connection, new ClusterInitOptions { Name = "lab", Access = ClusterAccessMode.Open, Overwrite = true });

        var after = await PvcSeed.DumpAsync(client);
        var foreign = new[] { "/patroni", "/patroni/pvc", "/patroni/pvc/leader", "/db_device", "/zookeeper", "/zookeeper/quota" };
        Assert.Equal(Expected, DataOf(after).Where(kv => !foreign.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));
        foreach (var path in foreign)
            Assert.Equal(before[path], after[path]);
        Assert.Null(await other.ExistsAsync(held.NodePath!));
        // small enough for one transaction: the deletions and the new keys share one zxid
        Assert.Single(Expected.Keys.Select(k => after[k].Created).Distinct());
    }

    [Fact]
    public async Task Overwrite_of_a_tree_too_large_for_one_transaction_deletes_in_chunks()
    {
        await using var connection = await TestCluster.InitializedAsync(zk, "old");
        var client = connection.ZooKeeper;
        for (var i = 0; i < 20; i++)
            await PvcSeed.ElementAsync(client, DomainKeys.Schema, DomainKeys.Format(Guid.NewGuid()));

        await ClusterInitializer.InitializeCoreAsync(connection, new ClusterInitOptions { Name = "lab", Access = ClusterAccessMode.Open, Overwrite = true }, 2048, CancellationToken.None);

        Assert.Equal(Expected, DataOf(await PvcSeed.DumpAsync(client)));
    }

    [Fact]
    public async Task Overwrite_on_an_empty_ZooKeeper_just_initialises()
    {
        await using var connection = await ClusterConnection.ConnectAsync(new() { Servers = [await zk.NewChrootAsync()] });
        await ClusterInitializer.InitializeAsync(connection, new ClusterInitOptions { Name = "lab", Access = ClusterAccessMode.Open, Overwrite = true });
        Assert.Equal(Expected, DataOf(await PvcSeed.DumpAsync(connection.ZooKeeper)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("two\nlines")]
    public async Task A_bad_name_is_refused_before_anything_is_written(string name)
    {
        await using var connection = await ClusterConnection.ConnectAsync(new() { Servers = [await zk.NewChrootAsync()] });
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => ClusterInitializer.InitializeAsync(connection, new ClusterInitOptions { Name = name, Access = ClusterAccessMode.Open }));
        Assert.Equal("InvalidClusterName", e.ErrorId);
        Assert.Empty((await connection.ZooKeeper.GetChildrenAsync("/")).Children);
    }
}
