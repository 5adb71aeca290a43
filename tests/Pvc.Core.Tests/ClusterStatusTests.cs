using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Faults;
using Pvc.Core.Nodes;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class ClusterStatusTests(ZooKeeperFixture zk)
{
    private static Task NodeAsync(ZooKeeperClient client, string name, string daemon, string domain, string version = "1.0.3") =>
        PvcSeed.ElementAsync(client, NodeKeys.Schema, name, new Dictionary<string, string>
        {
            [NodeKeys.DaemonState] = daemon, [NodeKeys.DomainState] = domain, [NodeKeys.PvcVersion] = version,
        });

    private static Task VmAsync(ZooKeeperClient client, string name, string state) =>
        PvcSeed.ElementAsync(client, DomainKeys.Schema, DomainKeys.Format(Guid.NewGuid()), new Dictionary<string, string>
        {
            [DomainKeys.Root] = name, [DomainKeys.State] = state, [DomainKeys.Autostart] = "False",
        });

    [Fact]
    public async Task A_fresh_cluster_is_healthy_and_empty()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);

        var status = await ClusterStatusReader.ReadAsync(connection);

        Assert.Equal("lab", status.Name);
        Assert.Equal(100, status.Health);
        Assert.False(status.Maintenance);
        Assert.Null(status.PrimaryNode);
        Assert.Null(status.PvcVersion);
        Assert.Null(status.UpstreamIp);
        Assert.Equal((0, 0, 0, 0, 0), (status.NodeCount, status.VmCount, status.NetworkCount, status.OsdCount, status.PoolCount));
        Assert.Empty(status.NodeStates);
        Assert.Empty(status.VmStates);
        Assert.Empty(status.ActiveFaults);
    }

    [Fact]
    public async Task Counts_nodes_and_VMs_per_state_and_reads_the_primarys_version()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        await NodeAsync(client, "hv1", "run", "ready", "1.0.3");
        await NodeAsync(client, "hv2", "run", "ready", "1.0.2");
        await NodeAsync(client, "hv3", "dead", "fence-flush", "1.0.2");
        await NodeAsync(client, "hv4", "run", "weird");
        await VmAsync(client, "web1", "start");
        await VmAsync(client, "web2", "start");
        await VmAsync(client, "db1", "migrate-live");
        await VmAsync(client, "old", "disable");
        await PvcSeed.CreateAsync(client, $"{BaseKeys.Domains}/{PvcSeed.LockName()}"); // a lock child is not a VM
        await PvcSeed.ElementAsync(client, NetworkKeys.Schema, "100");
        await PvcSeed.ElementAsync(client, CephKeys.Osd, "0");
        await PvcSeed.ElementAsync(client, CephKeys.Osd, "1");
        await PvcSeed.ElementAsync(client, CephKeys.Pool, "vms");
        await client.SetDataAsync(BaseKeys.PrimaryNode, "hv2"u8.ToArray());
        await client.SetDataAsync(BaseKeys.UpstreamIp, "10.0.0.250/24"u8.ToArray());

        var status = await ClusterStatusReader.ReadAsync(connection);

        Assert.Equal("hv2", status.PrimaryNode);
        Assert.Equal("1.0.2", status.PvcVersion);
        Assert.Equal("10.0.0.250/24", status.UpstreamIp);
        Assert.Equal(4, status.NodeCount);
        Assert.Equal(4, status.VmCount);
        Assert.Equal((1, 2, 1), (status.NetworkCount, status.OsdCount, status.PoolCount));
        Assert.Equal(
        [
            new NodeStateCount(NodeDaemonState.Run, NodeDomainState.Unknown, 1),
            new NodeStateCount(NodeDaemonState.Run, NodeDomainState.Ready, 2),
            new NodeStateCount(NodeDaemonState.Dead, NodeDomainState.FenceFlush, 1),
        ], status.NodeStates);
        Assert.Equal(
        [
            new VmStateCount(VmState.Start, 2),
            new VmStateCount(VmState.Disable, 1),
            new VmStateCount(VmState.MigrateLive, 1),
        ], status.VmStates);
    }

    [Fact]
    public async Task Health_is_100_minus_the_unacknowledged_deltas_never_below_0()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        await PvcSeed.AddFaultAsync(client, "VM_FAILED_WEB1", 10, "VM web1 was failed", "2025-03-01 09:00:00", "2025-03-01 13:00:00");
        await PvcSeed.AddFaultAsync(client, "CEPH_WARN_X", 10, "warn", "2025-03-01 09:00:00", "2025-03-01 14:00:00");
        await PvcSeed.AddFaultAsync(client, "DEAD_NODE_HV2", 50, "Node hv2 dead", "2025-03-01 10:00:00", "2025-03-01 12:00:00");
        await PvcSeed.AddFaultAsync(client, "CEPH_ERR_Y", 50, "err", "2025-03-01 10:00:00", "2025-03-01 12:00:00", status: "ack", ackTime: "2025-03-01 12:30:00");

        var status = await ClusterStatusReader.ReadAsync(connection);
        Assert.Equal(100 - 10 - 10 - 50, status.Health);
        // largest delta first, then most recently reported first; the acknowledged one is not active
        Assert.Equal(["DEAD_NODE_HV2", "CEPH_WARN_X", "VM_FAILED_WEB1"], status.ActiveFaults.Select(f => f.Id));

        await connection.Faults.AcknowledgeAsync(["DEAD_NODE_HV2"]);
        Assert.Equal(80, (await ClusterStatusReader.ReadAsync(connection)).Health);

        await PvcSeed.AddFaultAsync(client, "MEMORY_OVERPROVISIONED", 50, "mem", "2025-03-01 10:00:00", "2025-03-01 12:00:00");
        await PvcSeed.AddFaultAsync(client, "NODE_PLUGIN_DISK_HV1", 40, "disk", "2025-03-01 10:00:00", "2025-03-01 12:00:00");
        Assert.Equal(0, (await ClusterStatusReader.ReadAsync(connection)).Health);

        await connection.Faults.AcknowledgeAllAsync();
        var acked = await ClusterStatusReader.ReadAsync(connection);
        Assert.Equal(100, acked.Health);
        Assert.Empty(acked.ActiveFaults);
    }

    [Fact]
    public async Task Reading_takes_two_round_trips_however_large_the_cluster()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        for (var i = 0; i < 10; i++)
            await NodeAsync(client, $"hv{i}", "run", "ready");
        for (var i = 0; i < 40; i++)
            await VmAsync(client, $"vm{i}", "start");
        for (var i = 0; i < 5; i++)
            await PvcSeed.AddFaultAsync(client, $"F{i}", 1, "x", "2025-03-01 10:00:00", "2025-03-01 12:00:00");
        await client.SetDataAsync(BaseKeys.PrimaryNode, "hv3"u8.ToArray());

        var counter = new ReadCounter();
        var status = await ClusterStatusReader.ReadAsync(connection, counter: counter);

        Assert.Equal((10, 40, 95), (status.NodeCount, status.VmCount, status.Health));
        Assert.Equal(2, counter.Waves);
    }

    [Fact]
    public async Task Sums_resources_counts_OSD_states_volumes_and_snapshots_and_lists_node_health_as_PVC_does()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        // two nodes' keepalive figures (MiB, static data "cores kernel os arch")
        foreach (var (name, cores, load, vcpus, total, used, free, alloc, prov, health) in new[]
        {
            ("hv1", 16, "1.25", 8, 65536, 20000, 45536, 16384, 32768, "100"),
            ("hv2", 8, "0.5", 4, 32768, 10000, 22768, 8192, 8192, "90"),
        })
        {
            await PvcSeed.ElementAsync(client, NodeKeys.Schema, name, new Dictionary<string, string>
            {
                [NodeKeys.DaemonState] = "run", [NodeKeys.DomainState] = "ready", [NodeKeys.StaticData] = $"{cores} 6.1.0 Debian x86_64",
                [NodeKeys.CpuLoad] = load, [NodeKeys.VcpuAllocated] = $"{vcpus}", [NodeKeys.MemoryTotal] = $"{total}", [NodeKeys.MemoryUsed] = $"{used}",
                [NodeKeys.MemoryFree] = $"{free}", [NodeKeys.MemoryAllocated] = $"{alloc}", [NodeKeys.MemoryProvisioned] = $"{prov}",
                [NodeKeys.MonitoringHealth] = health, [NodeKeys.MonitoringPlugins] = name == "hv2" ? "disk load" : "",
            });
        }
        foreach (var (plugin, delta, message) in new[] { ("disk", "10", "/dev/sdb SMART errors"), ("load", "0", "load is fine") })
        {
            await PvcSeed.CreateAsync(client, MonitoringPluginKeys.Path("hv2", plugin, ""));
            await PvcSeed.CreateAsync(client, MonitoringPluginKeys.Path("hv2", plugin, MonitoringPluginKeys.HealthDelta), delta);
            await PvcSeed.CreateAsync(client, MonitoringPluginKeys.Path("hv2", plugin, MonitoringPluginKeys.Message), message);
        }
        // three OSDs: two up,in, one down,in (PVC's stats JSON, sizes in KiB)
        foreach (var (id, up, kb, used, avail, util) in new[] { ("0", 1, 1000, 250, 750, 25.0), ("1", 1, 1000, 500, 500, 50.0), ("2", 0, 2000, 0, 2000, 0.0) })
            await PvcSeed.ElementAsync(client, CephKeys.Osd, id, new Dictionary<string, string>
            {
                [CephKeys.Stats] = $$"""{"id": {{id}}, "up": {{up}}, "in": 1, "kb": {{kb}}, "kb_used": {{used}}, "kb_avail": {{avail}}, "utilization": {{util.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""",
            });
        // two pools, three volumes, three snapshots
        foreach (var pool in new[] { "vms", "backup" })
            await PvcSeed.ElementAsync(client, CephKeys.Pool, pool);
        foreach (var volume in new[] { "vms/web1_disk0", "vms/db1_disk0", "backup/archive" })
            await PvcSeed.ElementAsync(client, CephKeys.Volume, volume);
        foreach (var snapshot in new[] { "vms/web1_disk0/s1", "vms/web1_disk0/s2", "backup/archive/weekly" })
            await PvcSeed.ElementAsync(client, CephKeys.Snapshot, snapshot);

        var counter = new ReadCounter();
        var status = await ClusterStatusReader.ReadAsync(connection, counter: counter);

        Assert.Equal(new ClusterMemory(98304, 30000, 68304, 24576, 40960), status.Resources.Memory);
        Assert.Equal(30.52, status.Resources.Memory.UtilizationPercent);
        Assert.Equal(new ClusterCpu(24, 1.75, 12), status.Resources.Cpu);
        Assert.Equal(7.29, status.Resources.Cpu.UtilizationPercent);
        // PVC's disk utilization is the OSDs' average, not used/total
        Assert.Equal(new ClusterDisk(4000, 750, 3250, 25.0), status.Resources.Disk);
        Assert.Equal(["2 up,in", "1 down,in"], status.OsdStates.Select(s => $"{s.Count} {s}"));
        Assert.Equal((2, 3, 3), (status.PoolCount, status.VolumeCount, status.SnapshotCount));
        Assert.Equal(["hv1 100 ", "hv2 90 'disk': /dev/sdb SMART errors"], status.NodeHealth.Select(h => $"{h.Node} {h.Health} {string.Join("; ", h.Messages)}"));
        Assert.Equal(3, counter.Waves);
    }

    [Fact]
    public async Task Maintenance_is_written_lowercase_with_a_version_check_and_read_back()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;

        Assert.True(await ClusterSettings.ChangeAsync(connection, new() { Maintenance = true }));
        Assert.Equal("true", await PvcSeed.ReadAsync(client, BaseKeys.Maintenance));
        Assert.True((await ClusterStatusReader.ReadAsync(connection)).Maintenance);
        var stat = await client.ExistsAsync(BaseKeys.Maintenance);

        Assert.False(await ClusterSettings.ChangeAsync(connection, new() { Maintenance = true }));
        Assert.Equal(stat, await client.ExistsAsync(BaseKeys.Maintenance));

        Assert.True(await ClusterSettings.ChangeAsync(connection, new() { Maintenance = false }));
        Assert.Equal("false", await PvcSeed.ReadAsync(client, BaseKeys.Maintenance));
        Assert.False((await ClusterStatusReader.ReadAsync(connection)).Maintenance);
    }

    [Fact]
    public async Task Status_and_maintenance_need_an_initialised_cluster_of_schema_15()
    {
        await using var empty = await ClusterConnection.ConnectAsync(new() { Servers = [await zk.NewChrootAsync()] });
        Assert.Equal("ClusterNotInitialized", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidData, () => ClusterStatusReader.ReadAsync(empty))).ErrorId);
        Assert.Equal("ClusterNotInitialized", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidData, () => ClusterSettings.ChangeAsync(empty, new() { Maintenance = true }))).ErrorId);
        Assert.Empty((await empty.ZooKeeper.GetChildrenAsync("/")).Children);

        await using var connection = await TestCluster.InitializedAsync(zk);
        await connection.ZooKeeper.SetDataAsync(BaseKeys.SchemaVersion, "16"u8.ToArray());
        var before = await PvcSeed.DumpAsync(connection.ZooKeeper);
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidData, () => ClusterSettings.ChangeAsync(connection, new() { Maintenance = true }));
        Assert.Equal("UnsupportedSchemaVersion", e.ErrorId);
        Assert.Contains("'16'", e.Message, StringComparison.Ordinal);
        Assert.Equal("UnsupportedSchemaVersion", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidData, () => ClusterStatusReader.ReadAsync(connection))).ErrorId);
        Assert.Equal(before, await PvcSeed.DumpAsync(connection.ZooKeeper));
    }
}
