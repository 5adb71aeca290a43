using System.Text.Json.Nodes;
using Pvc.Core.Cluster;
using Pvc.Core.Faults;
using Pvc.Core.Health;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>
/// What a node's health monitor writes, against a real ZooKeeper: PVC's monitoring keys in PVC's formats, the node's
/// health, PVC's NODE_PLUGIN fault with half the plugin's delta, and the cluster's health falling with it.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class NodeHealthTests(ZooKeeperFixture zk)
{
    private static NodeHealthPlugin Result(string name, int delta, string message, JsonNode? data = null) =>
        new() { Name = name, HealthDelta = delta, Message = message, Data = data, LastRun = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), Runtime = TimeSpan.FromMilliseconds(1234) };

    [Fact]
    public async Task Loading_plugins_records_their_names_and_keys_and_drops_the_data_of_plugins_gone()
    {
        await using var c = await TestCluster.StartAsync(zk, nodes: 1);
        var health = new NodeHealthHostOperations(c.Connection, "hv1");

        await health.LoadPluginsAsync(["load", "old"]);
        await health.WriteResultsAsync([Result("load", 0, "ok"), Result("old", 0, "ok")]);
        await health.LoadPluginsAsync(["disk", "load"]);

        Assert.Equal("disk load", await c.ReadAsync(NodeKeys.Path("hv1", NodeKeys.MonitoringPlugins)));
        var children = await c.Raw.GetChildrenAsync(NodeKeys.Path("hv1", NodeKeys.MonitoringData));
        Assert.Equal(["disk", "load"], children.Children.Order(StringComparer.Ordinal));
        Assert.Equal("disk", await c.ReadAsync(MonitoringPluginKeys.Path("hv1", "disk")));
        // a plugin still loaded keeps its last result until its next run
        Assert.Equal("ok", await c.ReadAsync(MonitoringPluginKeys.Path("hv1", "load", MonitoringPluginKeys.Message)));
        Assert.Equal("", await c.ReadAsync(MonitoringPluginKeys.Path("hv1", "disk", MonitoringPluginKeys.Message)));
    }

    [Fact]
    public async Task A_round_writes_PVCs_formats_and_a_plugin_that_found_a_problem_raises_PVCs_fault_and_lowers_the_cluster_health()
    {
        await using var c = await TestCluster.StartAsync(zk, nodes: 1);
        var health = new NodeHealthHostOperations(c.Connection, "hv1");
        await health.LoadPluginsAsync(["load", "ipmi", "disk"]);
        Assert.Equal(100, (await ClusterStatusReader.ReadAsync(c.Connection)).Health);

        var written = await health.WriteResultsAsync([
            Result("load", 0, "Current load is 0.12 with 4 CPUs", new JsonObject { ["load"] = 0.12 }),
            Result("ipmi", 10, "The BMC did not answer"),
            Result("disk", 30, "/dev/sda attribute Reallocated_Sector_Ct failed"),
        ]);

        Assert.Equal(60, written);
        Assert.Equal("60", await c.ReadAsync(NodeKeys.Path("hv1", NodeKeys.MonitoringHealth)));
        Assert.Equal("1700000000", await c.ReadAsync(MonitoringPluginKeys.Path("hv1", "load", MonitoringPluginKeys.LastRun)));
        Assert.Equal("0", await c.ReadAsync(MonitoringPluginKeys.Path("hv1", "load", MonitoringPluginKeys.HealthDelta)));
        Assert.Equal("1.23", await c.ReadAsync(MonitoringPluginKeys.Path("hv1", "load", MonitoringPluginKeys.Runtime)));
        Assert.Equal("""{"load":0.12}""", await c.ReadAsync(MonitoringPluginKeys.Path("hv1", "load", MonitoringPluginKeys.Data)));
        Assert.Equal("{}", await c.ReadAsync(MonitoringPluginKeys.Path("hv1", "ipmi", MonitoringPluginKeys.Data)));

        // PVC's ids, half the plugin's delta; none for the plugin that found nothing
        var faults = (await c.Connection.Faults.ListAsync()).ToDictionary(f => f.Id);
        Assert.Equal(["NODE_PLUGIN_DISK_HV1", "NODE_PLUGIN_IPMI_HV1"], faults.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(5, faults["NODE_PLUGIN_IPMI_HV1"].HealthDelta);
        Assert.Equal(15, faults["NODE_PLUGIN_DISK_HV1"].HealthDelta);
        Assert.Equal("hv1 disk: /dev/sda attribute Reallocated_Sector_Ct failed", faults["NODE_PLUGIN_DISK_HV1"].Message);
        Assert.Equal(80, (await ClusterStatusReader.ReadAsync(c.Connection)).Health);

        // what Get-PvcNode returns
        var node = await new NodeOperations(c.Connection).GetAsync("hv1");
        Assert.Equal(60, node.Health);
        Assert.Equal(["load", "ipmi", "disk"], node.HealthPlugins.Select(p => p.Name));
        var load = node.HealthPlugins[0];
        Assert.Equal((0, "Current load is 0.12 with 4 CPUs"), (load.HealthDelta, load.Message));
        Assert.Equal(0.12, load.Data!["load"]!.GetValue<double>());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), load.LastRun);
        Assert.Equal(TimeSpan.FromSeconds(1.23), load.Runtime);
        Assert.Equal(30, node.HealthPlugins[2].HealthDelta);

        await health.ClearHealthAsync();
        Assert.Null((await new NodeOperations(c.Connection).GetAsync("hv1")).Health);
        Assert.Equal("None", await c.ReadAsync(NodeKeys.Path("hv1", NodeKeys.MonitoringHealth)));
    }

    [Fact]
    public async Task Deltas_past_100_floor_the_node_at_0()
    {
        Assert.Equal(0, NodeHealth.Compute([50, 50, 10]));
        Assert.Equal(100, NodeHealth.Compute([]));
        await using var c = await TestCluster.StartAsync(zk, nodes: 1);
        var health = new NodeHealthHostOperations(c.Connection, "hv1");
        await health.LoadPluginsAsync(["load", "libvirt"]);
        Assert.Equal(0, await health.WriteResultsAsync([Result("load", 50, "overloaded"), Result("libvirt", 60, "down")]));
        Assert.Equal("0", await c.ReadAsync(NodeKeys.Path("hv1", NodeKeys.MonitoringHealth)));
    }

    [Fact]
    public async Task The_zookeeper_probe_answers_null_when_ZooKeeper_answers()
    {
        await using var c = await TestCluster.StartAsync(zk, nodes: 1);
        Assert.Null(await new NodeHealthHostOperations(c.Connection, "hv1").ProbeZooKeeperAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task A_plugin_name_that_is_no_znode_name_is_refused()
    {
        await using var c = await TestCluster.StartAsync(zk, nodes: 1);
        var health = new NodeHealthHostOperations(c.Connection, "hv1");
        await Assert.ThrowsAsync<ArgumentException>(() => health.LoadPluginsAsync(["ok", "a/b"]));
        await Assert.ThrowsAsync<ArgumentException>(() => health.LoadPluginsAsync(["two words"]));
    }
}
