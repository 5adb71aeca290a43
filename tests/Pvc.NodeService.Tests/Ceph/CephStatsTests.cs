using System.Text.Json;
using Pvc.Core.Cluster;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Testing.Ceph;
using Pvc.Testing.Lab;
using Pvc.Testing.Pvc;

namespace Pvc.NodeService.Tests.Ceph;

/// <summary>
/// The primary's Ceph stats each keepalive (PVC's keepalive Ceph thread), from a real pvcnoded whose pvc.conf names the
/// Ceph lab, into a real ZooKeeper: what PVC's tools and Get-PvcCluster read.
/// </summary>
[Collection(CephLabCollection.Name)]
public sealed class CephStatsTests(CephLabFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>pvc.conf's path and ceph sections for a node of the lab (PVC's keys).</summary>
    internal static string CephConfig(CephLab lab) => $"""
        path:
          ceph_directory: "{lab.Directory}"
        ceph:
          ceph_config_file: ceph.conf
          ceph_keyring_file: {Path.GetFileName(lab.AdminKeyringPath)}
        """;

    [Fact]
    public async Task The_primary_writes_Cephs_status_health_usage_and_the_stats_of_the_pools_and_OSDs_the_cluster_records()
    {
        var pool = await fixture.Lab.SharedPoolAsync();
        await using var lab = await LabCluster.StartAsync(new LabClusterOptions { NodeCount = 1, ExtraNodeConfig = CephConfig(fixture.Lab) });
        // a pool and an OSD as PVC records them (a placeholder until the first report), and a pool Ceph does not have
        await PvcSeed.Batch(lab.Connection.ZooKeeper)
            .AddPool(pool, "8", "default")
            .AddPool("notinceph", "8", "default")
            .AddOsd(0, "hv1", "/dev/sdb", "", "False", PvcSeed.PlaceholderOsdStats)
            .CommitAsync();

        await CephLab.WaitUntilAsync(async ct => (await lab.Connection.Pools.GetAsync(pool, ct)).Stats?.Id is not null
            && (await lab.Connection.Osds.GetAsync(0, ct)).Stats is { IsPlaceholder: false }, Deadline, $"pool and OSD stats written ({lab.Logs()})");

        using var df = JsonDocument.Parse(await fixture.Lab.CephAsync(["df", "--format", "json"]));
        var cephPool = df.RootElement.GetProperty("pools").EnumerateArray().Single(p => p.GetProperty("name").GetString() == pool);
        var stats = (await lab.Connection.Pools.GetAsync(pool)).Stats!;
        Assert.Equal(cephPool.GetProperty("id").GetInt32(), stats.Id);
        Assert.True(stats.FreeBytes > 0, $"free {stats.FreeBytes}");
        Assert.NotNull(stats.ObjectCopies);
        Assert.NotNull(stats.WriteBytes);
        Assert.Null((await lab.Connection.Pools.GetAsync("notinceph")).Stats?.Id); // still "{}": Ceph has no such pool

        var osd = (await lab.Connection.Osds.GetAsync(0)).Stats!;
        using var dump = JsonDocument.Parse(await fixture.Lab.CephAsync(["osd", "dump", "--format", "json"]));
        Assert.Equal(Guid.Parse(dump.RootElement.GetProperty("osds")[0].GetProperty("uuid").GetString()!), osd.Uuid);
        Assert.True(osd.Up);
        Assert.True(osd.In);
        Assert.True(osd.SizeKiB > 0, $"kb {osd.SizeKiB}");
        Assert.Contains("up", osd.State);
        Assert.False(string.IsNullOrEmpty(osd.Node));

        var status = await ClusterStatusReader.ReadAsync(lab.Connection);
        Assert.Equal(StorageHealthStatus.Ok, status.StorageHealth);
        Assert.Empty(status.StorageHealthChecks);
        var text = await lab.Connection.ZooKeeper.GetDataAsync(BaseKeys.Storage);
        Assert.Contains(fixture.Lab.Fsid.ToString(), System.Text.Encoding.UTF8.GetString(text.Data), StringComparison.Ordinal);
        var util = await lab.Connection.ZooKeeper.GetDataAsync(BaseKeys.StorageUtil);
        Assert.Contains("--- POOLS ---", System.Text.Encoding.UTF8.GetString(util.Data), StringComparison.Ordinal);
    }
}
