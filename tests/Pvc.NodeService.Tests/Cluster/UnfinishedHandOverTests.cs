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
        await using var c = await NodeServiceCluster.StartAsync(zk, count: 2);
        await c.WaitReadyAsync();
        var uuid = Guid.NewGuid();
        var vm = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(uuid, "handed"), TargetNode = "hv1" });
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(uuid, "hv1");
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
}
