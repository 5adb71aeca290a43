using Pvc.Core.Errors;
using Pvc.Core.Faults;
using Pvc.Core.Fencing;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class FencedNodeRecoveryTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task A_fenced_nodes_VMs_spread_over_the_nodes_allowed_and_a_VM_with_no_node_left_stops_with_autostart()
    {
        await using var c = await TestCluster.StartAsync(zk, nodes: 4);
        await c.Raw.SetDataAsync("/nodes/hv3/daemonstate", "dead"u8.ToArray());
        await c.Raw.SetDataAsync("/nodes/hv4/domainstate", "flushed"u8.ToArray()); // takes no VMs
        await c.Raw.SetDataAsync("/config/primary_node", "hv3"u8.ToArray());
        var a = await PvcSeed.AddVmAsync(c.Raw, "a", "hv3");
        var b = await PvcSeed.AddVmAsync(c.Raw, "b", "hv3");
        var limited = await PvcSeed.AddVmAsync(c.Raw, "limited", "hv3", nodeLimit: "hv1");
        var stranded = await PvcSeed.AddVmAsync(c.Raw, "stranded", "hv3", nodeLimit: "hv4");
        var stopped = await PvcSeed.AddVmAsync(c.Raw, "stopped", "hv3", state: "stop");

        var result = await FencedNodeRecovery.RecoverAsync(c.Connection, "hv3", new FenceRecoveryOptions { Fenced = true });

        // hv2 has the most free memory, so "a" goes there; charged for it, hv1 is then the best for "b"
        Assert.Equal([("a", "hv2"), ("b", "hv1"), ("limited", "hv1"), ("stranded", null)], result.Select(r => (r.Vm.Name, r.Target)));
        Assert.Contains("hv4", result[3].Reason, StringComparison.Ordinal);
        Assert.Equal(("start", "hv2", "hv3"), (await c.ReadAsync($"/domains/{a}/state"), await c.ReadAsync($"/domains/{a}/node"), await c.ReadAsync($"/domains/{a}/lastnode")));
        Assert.Equal(("stop", "True", "hv3"), (await c.ReadAsync($"/domains/{stranded}/state"), await c.ReadAsync($"/domains/{stranded}/node_autostart"), await c.ReadAsync($"/domains/{stranded}/node")));
        Assert.Equal(("stop", "hv3"), (await c.ReadAsync($"/domains/{stopped}/state"), await c.ReadAsync($"/domains/{stopped}/node")));
        Assert.Equal("hv1", await c.ReadAsync($"/domains/{limited}/node"));
        Assert.Equal(("fenced", "flushed", "secondary", "none"), (await c.ReadAsync("/nodes/hv3/daemonstate"), await c.ReadAsync("/nodes/hv3/domainstate"),
            await c.ReadAsync("/nodes/hv3/routerstate"), await c.ReadAsync("/config/primary_node")));
        Assert.Equal(("", "0"), (await c.ReadAsync("/nodes/hv3/runningdomains"), await c.ReadAsync("/nodes/hv3/memalloc")));
        Assert.Equal(("start", "hv1"), (await c.ReadAsync($"/domains/{b}/state"), await c.ReadAsync($"/domains/{b}/node")));
    }

    [Fact]
    public async Task VMs_caught_migrating_belong_to_the_side_that_runs_them()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await c.Raw.SetDataAsync("/nodes/hv3/daemonstate", "dead"u8.ToArray());
        // on its way to hv3 and never arrived: it still runs on hv1 (hv1's keepalive lists it), whose migration aborts back to it
        var arriving = await PvcSeed.AddVmAsync(c.Raw, "arriving", "hv3", state: "migrate", lastNode: "hv1");
        // on its way to hv3, live: libvirt keeps the guest coming in paused on hv3, and hv3's last keepalive listed it;
        // hv1 still runs it and holds its state lock, as a sender does for the whole send (hv1's last keepalive fell in
        // the migration's final pause, so it does not list it)
        var caught = await PvcSeed.AddVmAsync(c.Raw, "caught", "hv3", state: "migrate-live", lastNode: "hv1");
        await using var senderSession = await Pvc.ZooKeeper.ZooKeeperClient.ConnectAsync(c.Connection.Servers);
        await using var senderLock = new Pvc.ZooKeeper.Recipes.ZooKeeperLock(senderSession, $"/domains/{caught}/state", Pvc.ZooKeeper.Recipes.LockKind.Exclusive, "hv1");
        await senderLock.AcquireAsync(TimeSpan.FromSeconds(10));
        // on its way to hv3, listed there, no sender left: it arrived, and died with hv3
        var arrived = await PvcSeed.AddVmAsync(c.Raw, "arrived", "hv3", state: "migrate-live", lastNode: "hv1");
        await c.Raw.SetDataAsync($"/domains/{arrived}/migrate_sync_lock", System.Text.Encoding.UTF8.GetBytes(arrived.ToString()));
        // shut down by hv1 for hv3 ("stop"), and hv3 died before it decided (the key still names the VM): it runs nowhere
        var handedOver = await PvcSeed.AddVmAsync(c.Raw, "handed-over", "hv3", state: "stop", lastNode: "hv1");
        await c.Raw.SetDataAsync($"/domains/{handedOver}/migrate_sync_lock", System.Text.Encoding.UTF8.GetBytes(handedOver.ToString()));
        await c.Raw.SetDataAsync("/nodes/hv3/runningdomains", System.Text.Encoding.UTF8.GetBytes($"{caught} {arrived}"));
        await c.Raw.SetDataAsync("/nodes/hv1/runningdomains", System.Text.Encoding.UTF8.GetBytes(arriving.ToString()));
        // on its way from hv3 to hv2: hv2 waits for a sender that is gone
        var leaving = await PvcSeed.AddVmAsync(c.Raw, "leaving", "hv2", state: "migrate", lastNode: "hv3");

        var result = await FencedNodeRecovery.RecoverAsync(c.Connection, "hv3", new FenceRecoveryOptions { Fenced = true });

        Assert.Equal(["arrived", "handed-over"], result.Select(r => r.Vm.Name));
        Assert.Equal(("migrate", "hv3", "hv1"), (await c.ReadAsync($"/domains/{arriving}/state"), await c.ReadAsync($"/domains/{arriving}/node"), await c.ReadAsync($"/domains/{arriving}/lastnode")));
        // never started elsewhere while its sender runs it
        Assert.Equal(("migrate-live", "hv3"), (await c.ReadAsync($"/domains/{caught}/state"), await c.ReadAsync($"/domains/{caught}/node")));
        foreach (var vm in new[] { arrived, handedOver })
        {
            Assert.Equal("start", await c.ReadAsync($"/domains/{vm}/state"));
            Assert.NotEqual("hv3", await c.ReadAsync($"/domains/{vm}/node"));
            Assert.Equal("", await c.ReadAsync($"/domains/{vm}/migrate_sync_lock"));
        }
        Assert.Equal(("start", "hv2"), (await c.ReadAsync($"/domains/{leaving}/state"), await c.ReadAsync($"/domains/{leaving}/node")));
    }

    [Fact]
    public async Task A_VM_left_to_its_sender_by_the_receivers_recovery_is_started_elsewhere_when_the_sender_dies_too()
    {
        await using var c = await TestCluster.StartAsync(zk, nodes: 4);
        // hv1 was sending "v" to hv2 (by shutdown: up to vm_shutdown_timeout under its locks) when hv2 died; hv2's
        // recovery left "v" to its live sender (its lock held) and wrote hv2 "fenced". Then hv1 died before it aborted.
        var v = await PvcSeed.AddVmAsync(c.Raw, "v", "hv2", state: "migrate", lastNode: "hv1");
        await c.Raw.SetDataAsync($"/domains/{v}/migrate_sync_lock", System.Text.Encoding.UTF8.GetBytes(v.ToString()));
        await c.Raw.SetDataAsync("/nodes/hv2/daemonstate", "fenced"u8.ToArray());
        await c.Raw.SetDataAsync("/nodes/hv2/domainstate", "flushed"u8.ToArray());
        await c.Raw.SetDataAsync("/nodes/hv1/daemonstate", "dead"u8.ToArray());
        // on its way from hv1 to hv4, which runs: hv4 starts it, as before
        var w = await PvcSeed.AddVmAsync(c.Raw, "w", "hv4", state: "migrate", lastNode: "hv1");

        var result = await FencedNodeRecovery.RecoverAsync(c.Connection, "hv1", new FenceRecoveryOptions { Fenced = true });

        // hv2 is powered off and was recovered already: nobody would ever start "v" there
        Assert.Equal("start", await c.ReadAsync($"/domains/{v}/state"));
        Assert.Contains(await c.ReadAsync($"/domains/{v}/node"), new[] { "hv3", "hv4" });
        Assert.Equal("", await c.ReadAsync($"/domains/{v}/migrate_sync_lock"));
        Assert.Equal(["v"], result.Select(r => r.Vm.Name));
        Assert.Equal(("start", "hv4"), (await c.ReadAsync($"/domains/{w}/state"), await c.ReadAsync($"/domains/{w}/node")));
    }

    [Fact]
    public async Task A_stopped_VM_whose_key_names_no_hand_over_stays_stopped()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await c.Raw.SetDataAsync("/nodes/hv3/daemonstate", "dead"u8.ToArray());
        var stopped = await PvcSeed.AddVmAsync(c.Raw, "stopped", "hv3", state: "stop");
        await c.Raw.SetDataAsync($"/domains/{stopped}/migrate_sync_lock", System.Text.Encoding.UTF8.GetBytes(Guid.NewGuid().ToString()));

        Assert.Empty(await FencedNodeRecovery.RecoverAsync(c.Connection, "hv3", new FenceRecoveryOptions { Fenced = true }));
        Assert.Equal(("stop", "hv3"), (await c.ReadAsync($"/domains/{stopped}/state"), await c.ReadAsync($"/domains/{stopped}/node")));
    }

    [Fact]
    public async Task A_VM_whose_XML_cannot_be_read_does_not_stop_the_recovery_of_the_others()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await c.Raw.SetDataAsync("/nodes/hv3/daemonstate", "dead"u8.ToArray());
        var a = await PvcSeed.AddVmAsync(c.Raw, "a", "hv3");
        // a VM elsewhere whose memory no host can have: every listing reads it
        var huge = Guid.NewGuid();
        await PvcSeed.AddVmAsync(c.Raw, "huge", "hv1", state: "stop", uuid: huge,
            xml: PvcSeed.Xml(huge, "huge", memoryElement: "<memory unit='TiB'>1000000000000000</memory>"));

        var result = await FencedNodeRecovery.RecoverAsync(c.Connection, "hv3", new FenceRecoveryOptions { Fenced = true });

        Assert.Equal(["a"], result.Select(r => r.Vm.Name));
        Assert.Equal("start", await c.ReadAsync($"/domains/{a}/state"));
        Assert.NotEqual("hv3", await c.ReadAsync($"/domains/{a}/node"));
    }

    [Fact]
    public async Task A_failed_fence_still_gives_up_the_dead_nodes_coordinator_role()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await c.Raw.SetDataAsync("/nodes/hv2/routerstate", "primary"u8.ToArray());
        await c.Raw.SetDataAsync("/config/primary_node", "hv2"u8.ToArray());
        await FencedNodeRecovery.ReleaseCoordinatorRoleAsync(c.Connection, "hv2");
        Assert.Equal(("secondary", "none"), (await c.ReadAsync("/nodes/hv2/routerstate"), await c.ReadAsync("/config/primary_node")));
    }

    [Fact]
    public async Task A_node_that_came_back_before_an_unconfirmed_recovery_keeps_everything_unwritten()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var vm = await PvcSeed.AddVmAsync(c.Raw, "a", "hv3");
        var before = await PvcSeed.DumpAsync(c.Raw);

        // the node is "run" (it wrote a keepalive), and no BMC confirmed it off
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () =>
            FencedNodeRecovery.RecoverAsync(c.Connection, "hv3", new FenceRecoveryOptions { Fenced = false }));
        Assert.Equal("NodeNotDead", e.ErrorId);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));
        Assert.Equal("hv3", await c.ReadAsync($"/domains/{vm}/node"));
    }

    [Fact]
    public async Task A_raised_fault_is_created_new_then_only_updated_and_never_written_in_maintenance()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var id = FaultIds.DeadNode("hv2");
        Assert.Equal("DEAD_NODE_HV2", id);
        Assert.True(await c.Connection.Faults.RaiseAsync(id, 50, "Node hv2 is dead"));
        var first = await c.Connection.Faults.GetAsync(id);
        Assert.Equal((FaultStatus.New, 50, "Node hv2 is dead"), (first.Status, first.HealthDelta, first.Message));
        Assert.Equal("", await c.ReadAsync($"/faults/{id}/ack_time"));

        await c.Connection.Faults.AcknowledgeAsync([id]);
        Assert.True(await c.Connection.Faults.RaiseAsync(id, 40, "Node hv2 is still dead"));
        var again = await c.Connection.Faults.GetAsync(id);
        // the acknowledgement and the first time stay; the rest is the latest report
        Assert.Equal((FaultStatus.Ack, 40, "Node hv2 is still dead", first.FirstReported), (again.Status, again.HealthDelta, again.Message, again.FirstReported));

        await c.Raw.SetDataAsync("/config/maintenance", "true"u8.ToArray());
        Assert.False(await c.Connection.Faults.RaiseAsync(FaultIds.FenceFailed("hv2"), 50, "x"));
        Assert.Null(await c.Raw.ExistsAsync($"/faults/{FaultIds.FenceFailed("hv2")}"));
    }
}
