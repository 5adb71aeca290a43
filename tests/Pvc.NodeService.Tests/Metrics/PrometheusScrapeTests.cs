using Pvc.Core.Schema;
using Pvc.NodeService.Tests.Cluster;
using Pvc.Testing.Prometheus;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Metrics;

/// <summary>
/// A real Prometheus (Debian's) scraping a real node service's /metrics on loopback: PromQL sees PVC's numeric VM state
/// for a running and a stopped VM, the node's health as the node wrote it, ZooKeeper's own figures (PVC's zookeeper part) and
/// the node service's own process metrics.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PrometheusScrapeTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Prometheus_scrapes_PVCs_VM_state_and_node_health_from_the_primary()
    {
        var port = ZooKeeperServer.FreePort();
        // a user health plugin that reports a delta of 13: the node's health plugins write 87 %, which Prometheus reads
        // (written by the node's own health loop, not by the test, which the loop would overwrite)
        var plugins = Directory.CreateTempSubdirectory("pvc-plugins-").FullName;
        try
        {
            var plugin = Path.Combine(plugins, "canary");
            File.WriteAllText(plugin, "#!/bin/sh\n[ \"$1\" = run ] && printf '{\"health_delta\": 13, \"message\": \"thirteen\", \"data\": {}}'\nexit 0\n");
            File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await ScrapeAsync(port, plugins);
        }
        finally
        {
            Directory.Delete(plugins, recursive: true);
        }
    }

    private async Task ScrapeAsync(int port, string plugins)
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 1, extraNodeConfig: $"""
            subsystem:
              enable_prometheus: true
            metrics:
              listen_port: {port}
            path:
              plugin_directory: "{plugins}"
            health:
              disabled_plugins: [disk, dpkg, edac, load]
            """);
        await c.StartVmOnAsync("web");
        await c.DefineVmAsync("db");
        await c.WaitAsync(NodeKeys.Path("hv1", NodeKeys.MonitoringHealth), h => h == "87", "the canary plugin's round");

        await using var prometheus = await PrometheusServer.StartAsync([$"127.0.0.1:{port}"], Deadline);
        await prometheus.WaitForValueAsync("up{job=\"pvc\"}", 1, Deadline);
        // PVC's numeric map: start 0, stop 7
        await prometheus.WaitForValueAsync("pvc_vm_state{vm=\"web\",state=\"start\"}", 0, Deadline);
        await prometheus.WaitForValueAsync("pvc_vm_state{vm=\"db\",state=\"stop\"}", 7, Deadline);
        await prometheus.WaitForValueAsync("pvc_node_health{node=\"hv1\"}", 87, Deadline);
        await prometheus.WaitForValueAsync("pvc_vm_states{state=\"start\"}", 1, Deadline);
        await prometheus.WaitForValueAsync("pvc_nodes", 1, Deadline);

        // a change is seen at the next scrape: the running VM stopped is 7
        var web = await c.Vms.ResolveAsync("web");
        await c.Vms.StopAsync(web);
        await prometheus.WaitForValueAsync("pvc_vm_state{vm=\"web\"}", 7, Deadline);

        // the ZooKeeper part (PVC's /metrics/zookeeper): the ensemble's mntr figures under ZooKeeper's own metric names,
        // a series per server; this cluster's tree alone holds dozens of znodes
        await prometheus.WaitForAsync($"znode_count{{job=\"pvc\",server=\"{zk.Server.Endpoint}\"}}", r => r is [var only] && only.Value > 20, Deadline, "one server, over 20 znodes");
        using (var http = new HttpClient())
        {
            var part = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics/zookeeper");
            Assert.Contains("# TYPE num_alive_connections gauge", part, StringComparison.Ordinal);
            // that part alone: none of PVC's cluster families, none of the process's own
            Assert.DoesNotContain(part.Split('\n'), l => l.StartsWith("pvc_", StringComparison.Ordinal) || l.StartsWith("process_", StringComparison.Ordinal) || l.StartsWith("dotnet_", StringComparison.Ordinal));
        }

        // the node service's own process metrics, from the same endpoint
        var rss = await prometheus.QueryAsync("process_working_set_bytes{job=\"pvc\"}");
        Assert.Single(rss);
        Assert.True(rss[0].Value > 1_000_000, $"resident memory {rss[0].Value}");
    }
}
