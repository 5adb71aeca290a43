using Microsoft.Extensions.Time.Testing;
using Pvc.Core.Connection;
using Pvc.NodeService.Metrics;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Tests.Metrics;

/// <summary>
/// The primary's cluster snapshot for scrapes, over a real ZooKeeper: a scrape renders from the last read (no read of its
/// own while it is fresh), the cluster is read each keepalive interval while someone scrapes, and not at all otherwise.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class ClusterMetricsCacheTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private async Task<ClusterConnection> ClusterAsync(string primary)
    {
        var chroot = await zk.NewChrootAsync("metrics-cache");
        await using (var raw = await ZooKeeperClient.ConnectAsync(chroot))
        {
            await PvcSeed.InitAsync(raw, primary: primary);
            await PvcSeed.AddNodeAsync(raw, "hv1");
            await PvcSeed.AddVmAsync(raw, "web", "hv1");
        }
        return await ClusterConnection.ConnectAsync(new() { Servers = [chroot] });
    }

    private static async Task WaitForReadsAsync(ClusterMetricsCache cache, int reads)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (cache.Reads < reads)
            await Task.Delay(20, deadline.Token);
    }

    [Fact]
    public async Task Scrapes_render_the_last_read_and_the_cluster_is_read_each_interval_only_while_scraped()
    {
        await using var cluster = await ClusterAsync(primary: "hv1");
        var time = new FakeTimeProvider();
        var cache = new ClusterMetricsCache(Interval, time);
        using var stop = new CancellationTokenSource();
        var refresh = cache.RefreshAsync(() => cluster, "hv1", stop.Token);

        // nobody scrapes: intervals pass without a read
        for (var i = 0; i < 5; i++)
            time.Advance(Interval);
        await Task.Delay(200);
        Assert.Equal(0, cache.Reads);

        // the first scrape reads; the next ones within the interval render the same snapshot
        var first = await cache.GetAsync(cluster, "hv1", CancellationToken.None);
        Assert.NotNull(first);
        Assert.Equal("web", Assert.Single(first.Vms).Name);
        Assert.Equal(1, cache.Reads);
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Same(first, await cache.GetAsync(cluster, "hv1", CancellationToken.None));
        Assert.Equal(1, cache.Reads);

        // while scraped, each interval's tick reads the cluster again, and scrapes take that read without their own
        time.Advance(TimeSpan.FromSeconds(2));
        await WaitForReadsAsync(cache, 2);
        var second = await cache.GetAsync(cluster, "hv1", CancellationToken.None);
        Assert.NotSame(first, second);
        Assert.Equal(2, cache.Reads);

        // two minutes without a scrape: the reads stop
        for (var i = 0; i < ClusterMetricsCache.DemandWindow / Interval; i++)
        {
            time.Advance(Interval);
            await WaitForReadsAsync(cache, 2 + i + 1);
        }
        var reads = cache.Reads;
        for (var i = 0; i < 5; i++)
            time.Advance(Interval);
        await Task.Delay(200);
        Assert.Equal(reads, cache.Reads);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => refresh);
    }

    [Fact]
    public async Task A_node_that_is_not_the_primary_gets_no_cluster_metrics()
    {
        await using var cluster = await ClusterAsync(primary: "hv2");
        var cache = new ClusterMetricsCache(Interval, new FakeTimeProvider());
        Assert.Null(await cache.GetAsync(cluster, "hv1", CancellationToken.None));
    }

    [Fact]
    public async Task A_node_that_is_no_longer_the_primary_serves_no_cluster_metrics_from_its_last_read()
    {
        await using var cluster = await ClusterAsync(primary: "hv1");
        var time = new FakeTimeProvider();
        var cache = new ClusterMetricsCache(Interval, time);
        Assert.NotNull(await cache.GetAsync(cluster, "hv1", CancellationToken.None));

        // the primary moves to hv2; within the same interval hv1's last read must not be served
        await cluster.ZooKeeper.SetDataAsync(Pvc.Core.Schema.BaseKeys.PrimaryNode, "hv2"u8.ToArray());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await cache.GetAsync(cluster, "hv1", CancellationToken.None));
    }
}
