using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>
/// A client's stop and a receiver's announcement left in <c>migrate_sync_lock</c> (found by the nemesis, seed 1302): a
/// receiver whose receive ended before its decision (its node froze and its session expired) left the key naming the
/// VM; a client stopped the VM; then the fencer, recovering that node, read "stop" with the key naming the VM as a
/// hand-over by shutdown and started the VM the client had stopped. The stop now clears the announcement with it.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class VmStopAnnouncementTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task A_stop_clears_a_receivers_announcement_in_the_same_transaction()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var vm = await c.AddVmAsync("web1", "hv1", "start");
        var uuid = vm.Uuid;
        var key = $"/domains/{uuid}/migrate_sync_lock";
        await c.Raw.SetDataAsync(key, System.Text.Encoding.UTF8.GetBytes(uuid.ToString()));

        await ops.StopAsync(vm);

        Assert.Equal("stop", await c.ReadAsync($"/domains/{uuid}/state"));
        Assert.Equal("", await c.ReadAsync(key)); // before: still the VM's UUID
    }

    [Fact]
    public async Task A_stop_of_a_VM_whose_key_is_empty_or_missing_writes_the_state_alone()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var vm = await c.AddVmAsync("web1", "hv1", "start");
        var uuid = vm.Uuid;
        await ops.StopAsync(vm);
        Assert.Equal("stop", await c.ReadAsync($"/domains/{uuid}/state"));

        // a VM defined by a PVC older than the key
        await c.Raw.DeleteAsync($"/domains/{uuid}/migrate_sync_lock");
        await ops.StartAsync(vm);
        await ops.StopAsync(vm);
        Assert.Equal("stop", await c.ReadAsync($"/domains/{uuid}/state"));
        Assert.Null(await c.Raw.ExistsAsync($"/domains/{uuid}/migrate_sync_lock"));
    }
}
