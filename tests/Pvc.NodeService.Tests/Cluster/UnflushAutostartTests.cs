using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Cluster;

/// <summary>
/// A flush and a ready crossing (found by the nemesis, seed 1304 and the bench's seed 41845): a VM flushed from hv1 to
/// hv2; hv2 flushed too, where no node could take the VM (hv1, its last node, is no target), so it was shut down with
/// autostart; hv1 readied: its unflush looked for its autostart VMs first, then returned the stopped VM to itself (an
/// assignment only), and nobody ever started it. The autostart VMs are now looked for after the returns.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class UnflushAutostartTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_VM_stopped_with_autostart_by_another_nodes_flush_is_started_when_its_home_node_is_readied()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 2);
        var vm = await c.StartVmOnAsync("homing", "hv1");
        var uuid = vm.Uuid;

        await c.NodeOps.FlushAsync("hv1");
        await c.NodeOps.WaitForDomainStateAsync("hv1", [NodeDomainState.Flushed], Wait);
        await c.WaitRunningOnAsync(uuid, "hv2");
        await c.NodeOps.FlushAsync("hv2");
        await c.NodeOps.WaitForDomainStateAsync("hv2", [NodeDomainState.Flushed], Wait);
        var parked = await c.Connection.Vms.GetAsync(uuid);
        Assert.Equal((VmState.Stop, true, "hv2", "hv1"), (parked.State, parked.Autostart, parked.Node, parked.LastNode));

        await c.NodeOps.ReadyAsync("hv1");
        await c.NodeOps.WaitForDomainStateAsync("hv1", [NodeDomainState.Ready], Wait);
        // before: "stop" on hv1, autostart still True, for good
        Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
        await c.WaitRunningOnAsync(uuid, "hv1");
        var now = await c.Connection.Vms.GetAsync(uuid);
        Assert.Equal(("hv1", false, (string?)null), (now.Node, now.Autostart, now.LastNode));
    }
}
