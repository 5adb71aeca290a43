using Pvc.NodeService.Tests.Ceph;
using Pvc.Testing.Ceph;
using Pvc.Testing.Lab;
using Pvc.Testing.Prometheus;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Metrics;

/// <summary>
/// The ceph part of the primary's /metrics (PVC's /metrics/ceph) from the real one-host Ceph lab, whose manager serves
/// its prometheus module on loopback (<see cref="CephLabFixture"/> enables it): a real pvcnoded finds the module in the
/// manager map and a real Prometheus reads Ceph's own metric names through it, beside PVC's.
/// </summary>
[Collection(CephLabCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CephMetricsScrapeTests(CephLabFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Prometheus_reads_Cephs_health_and_OSDs_through_the_primarys_metrics()
    {
        Assert.NotNull(fixture.Lab.PrometheusUrl);
        var port = ZooKeeperServer.FreePort();
        // no metrics.ceph_url: the node takes the module's address from the manager map
        await using var lab = await LabCluster.StartAsync(new LabClusterOptions
        {
            NodeCount = 1,
            ExtraNodeConfig = CephStatsTests.CephConfig(fixture.Lab) + $"""

                subsystem:
                  enable_prometheus: true
                metrics:
                  listen_port: {port}
                """,
        });
        await lab.WaitReadyAsync(Deadline);

        await using var prometheus = await PrometheusServer.StartAsync([$"127.0.0.1:{port}"], Deadline);
        await prometheus.WaitForValueAsync("up{job=\"pvc\"}", 1, Deadline);
        // the lab is HEALTH_OK (0 in the module's map) with its one OSD up
        Assert.Equal("HEALTH_OK", await fixture.Lab.HealthAsync());
        await prometheus.WaitForValueAsync("ceph_health_status{job=\"pvc\"}", 0, Deadline);
        await prometheus.WaitForValueAsync("ceph_osd_up{job=\"pvc\",ceph_daemon=\"osd.0\"}", 1, Deadline);
        // in the same scrape as PVC's own
        await prometheus.WaitForValueAsync("pvc_nodes{job=\"pvc\"}", 1, Deadline);

        using var http = new HttpClient();
        var part = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics/ceph");
        Assert.Contains("# TYPE ceph_health_status ", part, StringComparison.Ordinal);
        Assert.Contains($"ceph_mon_quorum_status{{ceph_daemon=\"mon.a\"}} 1", part, StringComparison.Ordinal);
        // that part alone, and nothing but Ceph's names
        Assert.All(part.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Matches("^(# (HELP|TYPE) )?ceph_", l));
    }
}
