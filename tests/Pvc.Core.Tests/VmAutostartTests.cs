using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>
/// A VM a flush shut down with autostart, because no node could take it, waits to be started when its node returns
/// (found by the nemesis, seed 1304): moved meanwhile to a node that is run/ready (whose return will not come), it used
/// to stay stopped for good. A move to such a node now starts it; a stop asked for clears the autostart it waited with.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class VmAutostartTests(ZooKeeperFixture zk)
{
    [Theory]
    [InlineData(MigrationKind.Migrate)]
    [InlineData(MigrationKind.Move)]
    public async Task A_stopped_VM_with_autostart_moved_to_a_ready_node_is_started_there(MigrationKind kind)
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "parked", "hv3", state: "stop", autostart: "True");
        var vm = await ops.ResolveAsync("parked");

        var plan = await ops.MigrateAsync(vm, new MigrationRequest(kind, "hv1", Force: true));

        Assert.Equal(VmState.Start, plan.State);
        Assert.Equal(("start", "hv1", "False"), (await c.ReadAsync(PvcSeed.VmKey(uuid, "/state")), await c.ReadAsync(PvcSeed.VmKey(uuid, "/node")), await c.ReadAsync(PvcSeed.VmKey(uuid, "/node_autostart"))));
    }

    [Fact]
    public async Task A_stopped_VM_without_autostart_or_moved_to_a_node_not_ready_only_changes_its_assignment()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var plain = await PvcSeed.AddVmAsync(c.Raw, "plain", "hv3", state: "stop");
        await ops.MigrateAsync(await ops.ResolveAsync("plain"), new MigrationRequest(MigrationKind.Move, "hv1"));
        Assert.Equal(("stop", "hv1"), (await c.ReadAsync(PvcSeed.VmKey(plain, "/state")), await c.ReadAsync(PvcSeed.VmKey(plain, "/node"))));

        // the unflush of a node returns its VMs while it is "unflush": its own autostart pass starts them afterwards
        await PvcSeed.AddNodeAsync(c.Raw, "hv9", domainState: "unflush");
        var parked = await PvcSeed.AddVmAsync(c.Raw, "parked", "hv3", state: "stop", autostart: "True", lastNode: "hv9");
        await ops.MigrateAsync(await ops.ResolveAsync("parked"), new MigrationRequest(MigrationKind.Unmigrate));
        Assert.Equal(("stop", "hv9", "True"), (await c.ReadAsync(PvcSeed.VmKey(parked, "/state")), await c.ReadAsync(PvcSeed.VmKey(parked, "/node")), await c.ReadAsync(PvcSeed.VmKey(parked, "/node_autostart"))));
    }

    [Fact]
    public async Task A_stop_clears_the_autostart_a_flush_set()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "parked", "hv3", state: "stop", autostart: "True");
        await ops.StopAsync(await ops.ResolveAsync("parked"));
        Assert.Equal(("stop", "False"), (await c.ReadAsync(PvcSeed.VmKey(uuid, "/state")), await c.ReadAsync(PvcSeed.VmKey(uuid, "/node_autostart"))));
    }
}
