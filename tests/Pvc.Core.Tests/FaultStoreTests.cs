using System.Text;
using System.Text.RegularExpressions;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Faults;
using Pvc.Core.Schema;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed partial class FaultStoreTests(ZooKeeperFixture zk)
{
    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text + "Z", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Three faults as the health daemon writes them; one already acknowledged.</summary>
    private static async Task SeedAsync(ZooKeeperClient client)
    {
        await PvcSeed.AddFaultAsync(client, "DEAD_NODE_HV2", 50, "Node hv2 was dead and/or fenced", "2025-03-01 10:00:00", "2025-03-01 12:00:00");
        await PvcSeed.AddFaultAsync(client, "VM_FAILED_WEB1", 10, "VM web1 was failed: boom", "2025-03-01 09:00:00", "2025-03-01 13:00:00");
        await PvcSeed.AddFaultAsync(client, "CEPH_WARN_OSDMAP_FLAGS", 10, "noout flag(s) set", "2025-02-01 08:00:00", "2025-03-01 11:00:00",
            status: "ack", ackTime: "2025-03-01 11:30:00");
    }

    [Fact]
    public async Task Lists_faults_decoded_newest_reported_first()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        await SeedAsync(connection.ZooKeeper);
        await PvcSeed.CreateAsync(connection.ZooKeeper, $"{BaseKeys.Faults}/{PvcSeed.LockName()}");

        var faults = await connection.Faults.ListAsync();

        Assert.Equal(["VM_FAILED_WEB1", "DEAD_NODE_HV2", "CEPH_WARN_OSDMAP_FLAGS"], faults.Select(f => f.Id));
        Assert.Equal(new Fault("DEAD_NODE_HV2", Utc("2025-03-01T10:00:00"), Utc("2025-03-01T12:00:00"), null, FaultStatus.New, 50,
            "Node hv2 was dead and/or fenced"), faults[1]);
        var acked = faults[2];
        Assert.Equal((FaultStatus.Ack, Utc("2025-03-01T11:30:00"), 10, 0), (acked.Status, acked.AcknowledgedAt, acked.HealthDelta, acked.EffectiveHealthDelta));
    }

    [Theory]
    [InlineData(FaultSortKey.LastReported, "VM_FAILED_WEB1,DEAD_NODE_HV2,CEPH_WARN_OSDMAP_FLAGS")]
    [InlineData(FaultSortKey.FirstReported, "DEAD_NODE_HV2,VM_FAILED_WEB1,CEPH_WARN_OSDMAP_FLAGS")]
    [InlineData(FaultSortKey.AcknowledgedAt, "CEPH_WARN_OSDMAP_FLAGS,DEAD_NODE_HV2,VM_FAILED_WEB1")]
    [InlineData(FaultSortKey.Status, "CEPH_WARN_OSDMAP_FLAGS,DEAD_NODE_HV2,VM_FAILED_WEB1")]
    [InlineData(FaultSortKey.HealthDelta, "CEPH_WARN_OSDMAP_FLAGS,VM_FAILED_WEB1,DEAD_NODE_HV2")]
    [InlineData(FaultSortKey.Message, "DEAD_NODE_HV2,VM_FAILED_WEB1,CEPH_WARN_OSDMAP_FLAGS")]
    public async Task Sorts_by_PVCs_sort_keys(FaultSortKey key, string expected)
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        await SeedAsync(connection.ZooKeeper);

        var faults = await connection.Faults.ListAsync(key);

        Assert.Equal(expected.Split(','), faults.Select(f => f.Id));
    }

    [Fact]
    public async Task Acknowledging_sets_ack_and_a_UTC_time_in_PVCs_format_and_touches_nothing_else()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        await SeedAsync(client);
        var before = await PvcSeed.DumpAsync(client);
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);

        var result = await connection.Faults.AcknowledgeAsync(["DEAD_NODE_HV2"]);

        var end = DateTimeOffset.UtcNow;
        var ackTime = await PvcSeed.ReadAsync(client, FaultKeys.Path("DEAD_NODE_HV2", FaultKeys.AckTime));
        Assert.Matches(PvcTimeFormat(), ackTime);
        var at = PvcTime.Decode(ackTime)!.Value;
        Assert.InRange(at, start, end);
        Assert.Equal("ack", await PvcSeed.ReadAsync(client, FaultKeys.Path("DEAD_NODE_HV2", FaultKeys.Status)));
        var fault = Assert.Single(result);
        Assert.Equal((FaultStatus.Ack, at, 50, 0), (fault.Status, fault.AcknowledgedAt, fault.HealthDelta, fault.EffectiveHealthDelta));
        Assert.Equal(fault, await connection.Faults.GetAsync("DEAD_NODE_HV2"));

        var after = await PvcSeed.DumpAsync(client);
        after.Remove(FaultKeys.Path("DEAD_NODE_HV2", FaultKeys.AckTime));
        after.Remove(FaultKeys.Path("DEAD_NODE_HV2", FaultKeys.Status));
        before.Remove(FaultKeys.Path("DEAD_NODE_HV2", FaultKeys.AckTime));
        before.Remove(FaultKeys.Path("DEAD_NODE_HV2", FaultKeys.Status));
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Acknowledging_all_is_one_transaction_and_leaves_acknowledged_faults_as_they_were()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        await SeedAsync(client);
        var ackedBefore = await client.ExistsAsync(FaultKeys.Path("CEPH_WARN_OSDMAP_FLAGS", FaultKeys.AckTime));

        var result = await connection.Faults.AcknowledgeAllAsync();

        Assert.Equal(3, result.Count);
        Assert.All(result, f => Assert.Equal(FaultStatus.Ack, f.Status));
        Assert.Equal(ackedBefore, await client.ExistsAsync(FaultKeys.Path("CEPH_WARN_OSDMAP_FLAGS", FaultKeys.AckTime)));
        Assert.Equal("2025-03-01 11:30:00", await PvcSeed.ReadAsync(client, FaultKeys.Path("CEPH_WARN_OSDMAP_FLAGS", FaultKeys.AckTime)));
        var zxids = new List<long>();
        foreach (var id in new[] { "DEAD_NODE_HV2", "VM_FAILED_WEB1" })
            foreach (var key in new[] { FaultKeys.AckTime, FaultKeys.Status })
                zxids.Add((await client.ExistsAsync(FaultKeys.Path(id, key)))!.ModifiedZxid);
        Assert.Single(zxids.Distinct());
        Assert.All(await connection.Faults.ListAsync(), f => Assert.Equal(0, f.EffectiveHealthDelta));
    }

    [Fact]
    public async Task An_unknown_id_is_FaultNotFound_and_nothing_changes()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        await SeedAsync(client);
        var before = await PvcSeed.DumpAsync(client);

        var get = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => connection.Faults.GetAsync("NOPE"));
        var ack = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => connection.Faults.AcknowledgeAsync(["DEAD_NODE_HV2", "NOPE"]));
        var delete = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => connection.Faults.DeleteAsync(["VM_FAILED_WEB1", "NOPE"]));
        var path = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => connection.Faults.DeleteAsync(["../config"]));

        foreach (var e in new[] { get, ack, delete })
        {
            Assert.Equal("FaultNotFound", e.ErrorId);
            Assert.Equal("NOPE", e.Target);
            Assert.Contains("'NOPE'", e.Message, StringComparison.Ordinal);
        }
        Assert.Equal("FaultNotFound", path.ErrorId);
        Assert.Equal(before, await PvcSeed.DumpAsync(client));
    }

    [Fact]
    public async Task Deleting_removes_whole_faults_lock_children_included_in_one_transaction()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        await SeedAsync(client);
        await PvcSeed.CreateAsync(client, $"{FaultKeys.Path("DEAD_NODE_HV2", FaultKeys.Message)}/{PvcSeed.LockName()}");

        var deleted = await connection.Faults.DeleteAsync(["DEAD_NODE_HV2", "VM_FAILED_WEB1"]);

        Assert.Equal(["DEAD_NODE_HV2", "VM_FAILED_WEB1"], deleted.Select(f => f.Id));
        Assert.Equal(["CEPH_WARN_OSDMAP_FLAGS"], (await client.GetChildrenAsync(BaseKeys.Faults)).Children);

        var all = await connection.Faults.DeleteAllAsync();
        Assert.Equal(["CEPH_WARN_OSDMAP_FLAGS"], all.Select(f => f.Id));
        Assert.Empty((await client.GetChildrenAsync(BaseKeys.Faults)).Children);
        Assert.Empty(await connection.Faults.DeleteAllAsync());
    }

    [Fact]
    public async Task A_concurrent_acknowledgement_is_not_overwritten()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        await SeedAsync(client);
        FaultStore.BeforeWrite.Value = async attempt =>
        {
            if (attempt == 1)
                await client.MultiAsync(
                [
                    Op.SetData(FaultKeys.Path("DEAD_NODE_HV2", FaultKeys.AckTime), "2030-01-01 00:00:00"u8.ToArray()),
                    Op.SetData(FaultKeys.Path("DEAD_NODE_HV2", FaultKeys.Status), "ack"u8.ToArray()),
                ]);
        };
        try
        {
            var result = await connection.Faults.AcknowledgeAsync(["DEAD_NODE_HV2"]);
            Assert.Equal(Utc("2030-01-01T00:00:00"), Assert.Single(result).AcknowledgedAt);
        }
        finally
        {
            FaultStore.BeforeWrite.Value = null;
        }
        Assert.Equal("2030-01-01 00:00:00", await PvcSeed.ReadAsync(client, FaultKeys.Path("DEAD_NODE_HV2", FaultKeys.AckTime)));
        Assert.Equal(1, (await client.ExistsAsync(FaultKeys.Path("DEAD_NODE_HV2", FaultKeys.AckTime)))!.Version);
    }

    [Fact]
    public async Task A_writer_that_keeps_changing_the_faults_makes_the_change_fail_whole()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        await SeedAsync(client);
        var round = 0;
        // the health daemon updates a fault between every read and write of ours
        FaultStore.BeforeWrite.Value = async _ =>
        {
            round++;
            await client.SetDataAsync(FaultKeys.Path("VM_FAILED_WEB1", FaultKeys.Message), Encoding.UTF8.GetBytes($"update {round}"));
            await client.SetDataAsync(FaultKeys.Path("VM_FAILED_WEB1", FaultKeys.Status), "new"u8.ToArray());
        };
        SortedDictionary<string, (string Data, int Version, long Created)> before;
        try
        {
            await PvcAssert.ThrowsAsync(PvcErrorKind.WriteConflict, () => connection.Faults.AcknowledgeAllAsync());
            before = await PvcSeed.DumpAsync(client);
            var e = await PvcAssert.ThrowsAsync(PvcErrorKind.WriteConflict, () => connection.Faults.DeleteAsync(["VM_FAILED_WEB1", "DEAD_NODE_HV2"]));
            Assert.Equal("FaultWriteConflict", e.ErrorId);
        }
        finally
        {
            FaultStore.BeforeWrite.Value = null;
        }
        // nothing of ours was applied: only the other writer's own changes happened
        var after = await PvcSeed.DumpAsync(client);
        Assert.Equal("new", after[FaultKeys.Path("DEAD_NODE_HV2", FaultKeys.Status)].Data);
        Assert.Equal("", after[FaultKeys.Path("DEAD_NODE_HV2", FaultKeys.AckTime)].Data);
        Assert.Equal("update 6", after[FaultKeys.Path("VM_FAILED_WEB1", FaultKeys.Message)].Data);
        Assert.Equal(before.Keys, after.Keys);
    }

    [Fact]
    public async Task A_writer_that_changes_a_fault_once_does_not_stop_its_deletion()
    {
        await using var connection = await TestCluster.InitializedAsync(zk);
        var client = connection.ZooKeeper;
        await SeedAsync(client);
        FaultStore.BeforeWrite.Value = async attempt =>
        {
            if (attempt == 1)
                await client.SetDataAsync(FaultKeys.Path("VM_FAILED_WEB1", FaultKeys.LastTime), "2025-03-02 00:00:00"u8.ToArray());
        };
        try
        {
            var deleted = await connection.Faults.DeleteAsync(["VM_FAILED_WEB1"]);
            // the fault returned is the one read again after the other writer's change
            Assert.Equal(Utc("2025-03-02T00:00:00"), Assert.Single(deleted).LastReported);
        }
        finally
        {
            FaultStore.BeforeWrite.Value = null;
        }
        Assert.Null(await client.ExistsAsync(FaultKeys.Path("VM_FAILED_WEB1")));
    }

    [Fact]
    public async Task Faults_need_an_initialised_cluster_of_schema_15()
    {
        await using var empty = await ClusterConnection.ConnectAsync(new() { Servers = [await zk.NewChrootAsync()] });
        Assert.Equal("ClusterNotInitialized", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidData, () => empty.Faults.ListAsync())).ErrorId);

        await using var connection = await TestCluster.InitializedAsync(zk);
        await connection.ZooKeeper.SetDataAsync(BaseKeys.SchemaVersion, "14"u8.ToArray());
        Assert.Equal("UnsupportedSchemaVersion", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidData, () => connection.Faults.AcknowledgeAllAsync())).ErrorId);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")]
    private static partial Regex PvcTimeFormat();
}
