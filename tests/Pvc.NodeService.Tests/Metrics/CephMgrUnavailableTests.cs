using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Pvc.NodeService.Tests.Cluster;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Metrics;

/// <summary>
/// A Ceph manager that accepts the connection and never answers (metrics.ceph_url names it): the primary's /metrics
/// still answers, without a ceph part, within the manager's timeout, and /metrics/ceph is empty.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CephMgrUnavailableTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task A_hung_manager_leaves_the_ceph_part_empty_and_the_rest_served_within_its_timeout()
    {
        using var hung = new TcpListener(IPAddress.Loopback, 0);
        hung.Start(16);
        var hungPort = ((IPEndPoint)hung.LocalEndpoint).Port;
        var port = ZooKeeperServer.FreePort();
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 1, extraNodeConfig: $"""
            subsystem:
              enable_prometheus: true
            metrics:
              listen_port: {port}
              ceph_url: "http://127.0.0.1:{hungPort}/metrics"
            """);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        // the primary's cluster part, once the node is the primary
        using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string all;
        do
        {
            await Task.Delay(200, ready.Token);
            all = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics", ready.Token);
        }
        while (!all.Contains("\npvc_nodes 1", StringComparison.Ordinal));

        var timer = Stopwatch.StartNew();
        all = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
        var took = timer.Elapsed;
        Assert.Contains("\npvc_nodes 1", all, StringComparison.Ordinal);
        Assert.Contains("process_working_set_bytes", all, StringComparison.Ordinal);
        Assert.DoesNotContain(all.Split('\n'), l => l.StartsWith("ceph_", StringComparison.Ordinal));
        // the manager's 5 s and a loaded machine's slack, not a hung scrape
        Assert.True(took < TimeSpan.FromSeconds(20), $"the scrape took {took}");
        Assert.True(took >= TimeSpan.FromSeconds(4), $"the scrape took {took}: did it ask the manager at all?");

        using var response = await http.GetAsync($"http://127.0.0.1:{port}/metrics/ceph");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }
}
