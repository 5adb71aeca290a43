using Pvc.Core.Vms;
using Pvc.NodeService.Tests.Cluster;
using Pvc.Testing.Lab;
using Pvc.Testing.Network;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Fencing;

/// <summary>
/// Self-fencing against the service's own restarts: systemd restarts a service whose watchdog stopped (it stops
/// pinging when its keepalives no longer reach ZooKeeper), and a cut-off node must count its silence across them.
/// </summary>
[Collection(FencingCollection.Name)]
public sealed class SelfFencingRestartTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task A_node_cut_off_from_ZooKeeper_stops_its_VMs_though_its_service_is_restarted_again_and_again()
    {
        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        var chroot = await zk.NewChrootAsync("selffence");
        await using var c = await NodeServiceCluster.StartWithBmcsAsync(chroot, 1, """
              intervals:
                suicide_intervals: 4
            """, zookeeperFor: _ => proxy.Endpoint + chroot[chroot.IndexOf('/', StringComparison.Ordinal)..]);
        await c.WaitReadyAsync();
        var vm = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "cut-off", memoryMiB: 256, vcpus: 1), TargetNode = "hv1" });
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(vm.Uuid, "hv1");

        proxy.Cut();
        // the restarts systemd would make, each 2 s into the service's life: before the limit (4 intervals) counted
        // from its own start. The life is counted from the host's start-up (its "Application started" line, after the
        // node's loops began), not from the process's: a loaded machine can take longer than 2 s to start .NET, and
        // no service can fence before it runs.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var restarts = 0;
        while ((await c.Hosts[0].VirshAsync(["list", "--name"])).Trim().Length > 0)
        {
            Assert.True(DateTime.UtcNow < until, $"hv1 kept its VM running, cut off for 60 s and restarted {restarts} times, each 2 s after it started\n{c.Logs()}");
            await Task.Delay(TimeSpan.FromSeconds(2));
            var started = StartedCount(c.Nodes[0].LogPath);
            c.Nodes[0].Kill();
            c.Nodes[0].Start();
            restarts++;
            while (StartedCount(c.Nodes[0].LogPath) == started && DateTime.UtcNow < until)
                await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
        Assert.Contains("stopping 1 VMs on this node", File.ReadAllText(c.Nodes[0].LogPath), StringComparison.Ordinal);
    }

    private static int StartedCount(string logPath) =>
        File.Exists(logPath) ? File.ReadLines(logPath).Count(l => l.Contains("Application started", StringComparison.Ordinal)) : 0;

    [Fact]
    public void A_watchdog_that_could_fire_before_self_fencing_acts_is_refused_at_start()
    {
        var dir = Directory.CreateTempSubdirectory("pvc-watchdog-").FullName;
        try
        {
            // self-fencing after 20 s; systemd's WatchdogSec=10 could restart the service before that
            var config = LabNode.Write(dir, "hv1", ["hv1"], "127.0.0.1:1", """
                fencing:
                  intervals:
                    suicide_intervals: 20
                """);
            using var node = new NodeServiceProcess(Path.Combine(AppContext.BaseDirectory, "pvcnoded"), "hv1", config, Path.Combine(dir, "hv1.log"));
            node.Environment["WATCHDOG_USEC"] = "10000000";
            node.Start();
            Assert.True(node.WaitForExit(TimeSpan.FromSeconds(30)), $"pvcnoded took the setting and runs\n{node.Log()}");
            Assert.Equal(1, node.ExitCode);
            Assert.Contains("WatchdogSec", node.Log(), StringComparison.Ordinal);
            Assert.Contains("suicide_intervals", node.Log(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
