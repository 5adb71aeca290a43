using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Network;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Cluster;

[Collection(ZooKeeperCollection.Name)]
public sealed class ZooKeeperOutageTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_node_cut_off_from_ZooKeeper_keeps_its_VMs_running_and_reconciles_when_it_returns()
    {
        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        // hv1 reaches ZooKeeper only through the proxy; the test and hv2 directly
        await using var c = await NodeServiceCluster.StartAsync(zk, count: 2,
            zookeeperFor: (node, chroot) => node == "hv1" ? proxy.Endpoint + chroot[chroot.IndexOf('/', StringComparison.Ordinal)..] : chroot);
        await c.WaitReadyAsync();
        var keep = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "keep"), TargetNode = "hv1" });
        var stopMe = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "stop-me"), TargetNode = "hv1" });
        var startMe = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "start-me"), TargetNode = "hv1" });
        await c.Vms.StartAsync(keep);
        await c.Vms.StartAsync(stopMe);
        await c.WaitRunningOnAsync(keep.Uuid, "hv1");
        await c.WaitRunningOnAsync(stopMe.Uuid, "hv1");

        proxy.Cut();
        // changes the cut-off node cannot see
        await c.Vms.StopAsync(stopMe);
        await c.Vms.StartAsync(startMe);
        // the outage itself: longer than the node's session timeout (4 s), so its session expires
        await Task.Delay(TimeSpan.FromSeconds(7));
        proxy.Restore();

        // back: it reconciles (stops what should be stopped, starts what should run) and never stopped "keep"
        await c.WaitRunningOnAsync(startMe.Uuid, "hv1");
        await c.WaitNotRunningAsync(stopMe.Uuid);
        await c.WaitRunningOnAsync(keep.Uuid, "hv1");
        Assert.Equal(VmState.Start, (await c.Connection.Vms.GetAsync(keep.Uuid)).State);
        Assert.DoesNotContain("Stopping VM keep", c.Nodes[0].Log(), StringComparison.Ordinal);
        Assert.Contains("session ended", c.Nodes[0].Log(), StringComparison.Ordinal);
    }

    private static readonly TimeSpan SurvivableSession = TimeSpan.FromSeconds(12);

    [Fact]
    public async Task Every_loop_of_a_node_service_lives_through_a_ZooKeeper_outage_its_session_survives()
    {
        // sessions of 12 s, not the node services' 4 s: the restarted server must serve each node within its session
        // timeout for the session to survive, and a loaded CI machine took longer than 4 s (every session ended)
        await using var server = await ZooKeeperServer.StartStandaloneAsync(SurvivableSession);
        await using var c = await NodeServiceCluster.StartAsync(await ZooKeeperChroot.CreateAsync(server.Endpoint, "loops"), count: 3);
        await c.WaitReadyAsync();
        var primary = await c.WaitAsync(BaseKeys.PrimaryNode, p => p is "hv1" or "hv2" or "hv3", "a primary");
        await c.WaitAsync(NodeKeys.Path(primary, NodeKeys.RouterState), s => s == "primary", $"{primary} primary");
        // a flush that leaves a VM behind (live only, which the test driver cannot do), so that it tries again later
        var flushing = c.Nodes.First(n => n.Name != primary).Name;
        var pinned = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "pinned"), TargetNode = flushing, MigrationMethod = MigrationMethod.Live });
        await c.Vms.StartAsync(pinned);
        await c.WaitRunningOnAsync(pinned.Uuid, flushing);
        await c.NodeOps.FlushAsync(flushing);
        await c.WaitForLogAsync(c.Nodes.Single(n => n.Name == flushing), "Flush incomplete");

        // the outage: past every request's reconnect wait (the sessions' timeout) and the flush's next try (5 s); the
        // sessions survive it (the server restores them), so each loop met ConnectionLoss, not a new session
        server.Kill();
        await Task.Delay(SurvivableSession + TimeSpan.FromSeconds(3));
        await server.StartAsync();
        await c.Connection.ZooKeeper.WaitConnectedAsync(Wait);

        // the election goes on: the primary stops, and another is elected
        c.Nodes.Single(n => n.Name == primary).Stop();
        var next = await c.WaitAsync(BaseKeys.PrimaryNode, p => p is "hv1" or "hv2" or "hv3" && p != primary, "a new primary");
        await c.WaitAsync(NodeKeys.Path(next, NodeKeys.RouterState), s => s == "primary", $"{next} primary");
        // the flush goes on: once the VM can move it moves, and the node is flushed
        await c.Vms.SetMetadataAsync(pinned, new VmMetadataChange { MigrationMethod = MigrationMethod.Default });
        await c.NodeOps.WaitForDomainStateAsync(flushing, [Pvc.Core.Schema.NodeDomainState.Flushed], Wait);
        // the VMs' supervision goes on: a VM defined now is started
        var late = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "late"), TargetNode = next });
        await c.Vms.StartAsync(late);
        await c.WaitRunningOnAsync(late.Uuid, next);
        // the sessions survived, so the loops went on through the errors rather than being made anew
        var others = c.Nodes.Where(n => n.Name != primary).ToList();
        Assert.All(others, n => Assert.DoesNotContain("session ended", File.ReadAllText(n.LogPath), StringComparison.Ordinal));
        Assert.All(others, n => Assert.Contains("Primary election: ", File.ReadAllText(n.LogPath), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_restarted_node_service_adopts_the_VMs_running_on_its_host()
    {
        // the hypervisor is a libvirtd of its own, so its VMs outlive the service, as QEMU guests do
        await using var c = await NodeServiceCluster.StartWithBmcsAsync(await zk.NewChrootAsync("adopt"), 1, "  intervals:\n    fence_intervals: 6");
        await c.WaitReadyAsync();
        var vm = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "long-lived", memoryMiB: 256, vcpus: 1), TargetNode = "hv1" });
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(vm.Uuid, "hv1");
        var id = (await c.Hosts[0].VirshAsync(["domid", "long-lived"])).Trim();

        c.Nodes[0].Kill();
        c.Nodes[0].Start();
        await c.WaitAsync(Pvc.Core.Schema.NodeKeys.Path("hv1", Pvc.Core.Schema.NodeKeys.DaemonState), s => s == "run", "hv1 run again");
        await c.WaitRunningOnAsync(vm.Uuid, "hv1");

        // the same domain, never stopped and started again: a new start would get a new id
        Assert.Equal(id, (await c.Hosts[0].VirshAsync(["domid", "long-lived"])).Trim());
        Assert.Equal(VmState.Start, (await c.Connection.Vms.GetAsync(vm.Uuid)).State);
        var log = File.ReadAllText(c.Nodes[0].LogPath);
        Assert.True(log.Split("Starting VM long-lived").Length == 2, log);
    }
}
