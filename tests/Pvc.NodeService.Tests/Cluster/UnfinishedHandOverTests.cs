using System.Text;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Tests.Cluster;

/// <summary>
/// A hand-over by shutdown whose receiver never decided (found by the nemesis, seed 1302): the receiver announced itself
/// and queued on migrate_sync_lock, the sender shut the VM down and wrote "stop", and the receiver's node service froze
/// and lost its session before its decision. Its new session found the VM "stop", assigned to it, and did nothing, so a
/// VM the cluster still meant to run stayed stopped for good. It now finishes the receive: starts the VM and clears the
/// key, once no contender is left on the lock.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class UnfinishedHandOverTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_VM_handed_over_by_shutdown_to_a_receiver_whose_receive_ended_is_started_by_it()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 2);
        var vm = await c.StartVmOnAsync("handed", "hv1");
        var uuid = vm.Uuid;
        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(uuid);

        // what the sender leaves when its receiver's session is gone: assigned to hv2, "stop", the announcement standing
        var zkc = c.Connection.ZooKeeper;
        await zkc.MultiAsync([Op.SetData(DomainKeys.Path(uuid, DomainKeys.Node), "hv2"u8.ToArray()), Op.SetData(DomainKeys.Path(uuid, DomainKeys.LastNode), "hv1"u8.ToArray()),
            Op.SetData(DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock), Encoding.UTF8.GetBytes(DomainKeys.Format(uuid))),
            Op.SetData(DomainKeys.Path(uuid, DomainKeys.State), "stop"u8.ToArray())]);

        // before: "stop" for good, the key naming the VM
        await c.WaitAsync(DomainKeys.Path(uuid, DomainKeys.State), s => s == "start", "hv2 starting the VM it was handed");
        await c.WaitRunningOnAsync(uuid, "hv2");
        Assert.Equal("", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock)));
        await c.WaitForLogAsync(c.Nodes[1], "its receive here never ended; starting it here");
    }

    [Fact]
    public async Task A_VM_started_by_a_client_over_a_standing_announcement_stays_stopped_after_its_shutdown()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 2);
        var vm = await c.DefineVmAsync("announced", "hv1");
        var uuid = vm.Uuid;
        var zkc = c.Connection.ZooKeeper;
        var key = DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock);

        // a hand-over's announcement while its receiver is still a contender: hv1 leaves it to that receiver
        var receiver = await AnnounceAsReceiverAsync(c, uuid);
        // the client starts it meanwhile: a start asked for now ends the hand-over
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(uuid, "hv1");
        await receiver.DisposeAsync();
        await c.WaitForContendersAsync(key, 0);

        await c.Vms.ShutdownAsync(vm);
        await c.WaitAsync(DomainKeys.Path(uuid, DomainKeys.State), s => s == "stop", "hv1 writing stop after the shutdown");
        await c.WaitNotRunningAsync(uuid);
        // before: "stop" with the key still naming the VM read as a hand-over, and hv1 started it again at once
        await WaitKeepalivesAsync(c, "hv1", 2);
        Assert.Equal("stop", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.State)));
        Assert.DoesNotContain("its receive here never ended", File.ReadAllText(c.Nodes[0].LogPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_VM_caught_in_a_shutdown_hand_over_runs_on_the_node_a_client_moves_it_to()
    {
        // rev13b P2-1: the receiver of a hand-over by shutdown is killed before its decision, and a client moves the VM
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 2);
        var vm = await c.StartVmOnAsync("caught", "hv1");
        var uuid = vm.Uuid;
        var key = DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock);
        var receiver = await HandOverStoppedAsync(c, vm);

        var plan = await c.Vms.MigrateAsync(vm, new MigrationRequest(MigrationKind.Move, "hv1"));
        Assert.Equal(VmState.Start, plan.State);
        Assert.Equal("", await c.ReadAsync(key));
        await receiver.DisposeAsync();
        await c.WaitForContendersAsync(key, 0);

        // before: moved "stop" (7b0d6c0), so a VM that ran before the hand-over never ran again
        await c.WaitRunningOnAsync(uuid, "hv1");
        Assert.Equal("start", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.State)));
        Assert.Equal("False", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.Autostart)));
        Assert.DoesNotContain("its receive here never ended", File.ReadAllText(c.Nodes[1].LogPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_VM_caught_in_a_shutdown_hand_over_runs_after_its_old_node_is_unflushed()
    {
        // the nemesis, seed 651478: hv1's flush handed the VM to hv2 by shutdown, hv2 was killed before its decision, and
        // hv1's unflush (the node "unflush", not ready, while it brings its VMs back) returned the VM to hv1
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 2);
        var vm = await c.StartVmOnAsync("unflushed", "hv1");
        var uuid = vm.Uuid;
        var key = DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock);
        var receiver = await HandOverStoppedAsync(c, vm);

        await c.Connection.ZooKeeper.SetDataAsync(NodeKeys.Path("hv1", NodeKeys.DomainState), "unflush"u8.ToArray());
        await c.WaitAsync(NodeKeys.Path("hv1", NodeKeys.DomainState), s => s == "ready", "hv1 unflushed");
        Assert.Equal("", await c.ReadAsync(key));
        await receiver.DisposeAsync();

        // before: unmigrated "stop" (7b0d6c0) and not started by the unflush
        await c.WaitRunningOnAsync(uuid, "hv1");
        Assert.Equal("start", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.State)));
        Assert.Equal("", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.LastNode)));
    }

    /// <summary>
    /// What a sender's hand-over by shutdown leaves while its receiver (hv2) is a contender that never decides: the VM
    /// shut down on hv1, "stop", assigned to hv2, last node hv1, the announcement naming it. Returns the receiver's lock.
    /// </summary>
    private static async Task<Pvc.ZooKeeper.Recipes.ZooKeeperLock> HandOverStoppedAsync(NodeServiceCluster c, VmRef vm)
    {
        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(vm.Uuid);
        var receiver = await AnnounceAsReceiverAsync(c, vm.Uuid);
        await c.Connection.ZooKeeper.MultiAsync([Op.SetData(DomainKeys.Path(vm.Uuid, DomainKeys.Node), "hv2"u8.ToArray()),
            Op.SetData(DomainKeys.Path(vm.Uuid, DomainKeys.LastNode), "hv1"u8.ToArray()),
            Op.SetData(DomainKeys.Path(vm.Uuid, DomainKeys.State), "stop"u8.ToArray())]);
        return receiver;
    }

    [Fact]
    public async Task A_VM_found_running_on_the_node_it_migrates_to_leaves_no_announcement_behind()
    {
        // nemesis seed 996475: hv2 announced itself as vm6's receiver and was killed; hv3's unflush then unmigrated vm6
        // back to hv3, which still ran it ("arrived; it runs here"), and the dead receiver's announcement stayed
        await using var c = await NodeServiceCluster.StartAsync(zk, count: 2);
        await c.WaitReadyAsync();
        var uuid = Guid.NewGuid();
        var vm = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(uuid, "returned"), TargetNode = "hv1" });
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(uuid, "hv1");

        var zkc = c.Connection.ZooKeeper;
        await zkc.MultiAsync([Op.SetData(DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock), Encoding.UTF8.GetBytes(DomainKeys.Format(uuid))),
            Op.SetData(DomainKeys.Path(uuid, DomainKeys.State), "migrate"u8.ToArray())]);

        await c.WaitAsync(DomainKeys.Path(uuid, DomainKeys.State), s => s == "start", "hv1 finding the VM arrived");
        await c.WaitForLogAsync(c.Nodes[0], "VM returned arrived; it runs here");
        // before: the key still named the VM
        Assert.Equal("", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock)));
        await c.WaitRunningOnAsync(uuid, "hv1");
    }

    [Fact]
    public async Task A_VM_a_client_stops_while_its_receiver_waits_for_a_dead_sender_stays_stopped()
    {
        // the soak, seed 453098: vm5's sender hv3 died mid hand-shake; the fencer released vm5 to its receiver hv2
        // ("start"), a client stopped it, and hv2's receive, deciding only then, read that "stop" as a hand-over by
        // shutdown and started it: the client's stop was lost
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 2);
        var vm = await c.DefineVmAsync("released", "hv1");
        var uuid = vm.Uuid;
        var key = DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock);
        var zkc = c.Connection.ZooKeeper;

        // the dead sender's lock, still held while its session lives: hv2 announces itself and waits behind it
        var sender = new Pvc.ZooKeeper.Recipes.ZooKeeperLock(zkc, key, Pvc.ZooKeeper.Recipes.LockKind.Exclusive, "dead sender");
        await sender.AcquireAsync(TimeSpan.FromSeconds(30));
        await zkc.MultiAsync([Op.SetData(DomainKeys.Path(uuid, DomainKeys.Node), "hv2"u8.ToArray()), Op.SetData(DomainKeys.Path(uuid, DomainKeys.LastNode), "hv1"u8.ToArray()),
            Op.SetData(DomainKeys.Path(uuid, DomainKeys.State), "migrate"u8.ToArray())]);
        await c.WaitAsync(key, s => s == DomainKeys.Format(uuid), "hv2 announcing itself as the receiver");
        await c.WaitForContendersAsync(key, 2);

        // the fencer's release of a VM whose sender died ("start" on its receiver), then the client's stop
        await zkc.SetDataAsync(DomainKeys.Path(uuid, DomainKeys.State), "start"u8.ToArray());
        await c.Vms.StopAsync(vm);
        await sender.DisposeAsync();
        await c.WaitForContendersAsync(key, 0);

        // before: "VM released was shut down on its old node for the move; starting it here", and "start"
        await c.WaitForLogAsync(c.Nodes[1], "was stopped while it came here", "shut down on its old node for the move");
        Assert.Equal("stop", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.State)));
        await c.WaitNotRunningAsync(uuid);
        Assert.DoesNotContain("starting it here", File.ReadAllText(c.Nodes[1].LogPath), StringComparison.Ordinal);
    }

    /// <summary>What a receiver of a hand-over holds: a contender on migrate_sync_lock, the key naming the VM.</summary>
    private static async Task<Pvc.ZooKeeper.Recipes.ZooKeeperLock> AnnounceAsReceiverAsync(NodeServiceCluster c, Guid uuid)
    {
        var zkc = c.Connection.ZooKeeper;
        var key = DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock);
        var receiver = new Pvc.ZooKeeper.Recipes.ZooKeeperLock(zkc, key, Pvc.ZooKeeper.Recipes.LockKind.Exclusive, "test");
        await receiver.AcquireAsync(TimeSpan.FromSeconds(30));
        await zkc.SetDataAsync(key, Encoding.UTF8.GetBytes(DomainKeys.Format(uuid)));
        return receiver;
    }

    /// <summary>Waits on watches for <paramref name="count"/> more keepalives of <paramref name="node"/> (each one reconciles its VMs).</summary>
    private static async Task WaitKeepalivesAsync(NodeServiceCluster c, string node, int count)
    {
        var keepalive = NodeKeys.Path(node, NodeKeys.Keepalive);
        for (var k = 0; k < count; k++)
        {
            var seen = await c.ReadAsync(keepalive);
            await c.WaitAsync(keepalive, t => t != seen, $"{node}'s next keepalive");
        }
    }
}
