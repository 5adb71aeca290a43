using System.Text;
using Pvc.Core.Faults;
using Pvc.Core.Schema;
using Pvc.NodeService.Tests.Cluster;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Tests.Health;

/// <summary>
/// The primary's cluster fault checks against a real node service: a VM a node recorded as failed, and a Ceph health
/// check at HEALTH_WARN, become PVC's faults with PVC's ids, deltas and messages, and count in the cluster's health.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class ClusterFaultDutyTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task The_primary_raises_a_failed_VM_and_a_Ceph_warning_as_PVCs_faults()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 1);
        var vm = await c.DefineVmAsync("broken", "hv1");
        var zkc = c.Connection.ZooKeeper;
        // what a node writes when libvirt refuses to start a VM, and what the primary's Ceph stats write
        await zkc.MultiAsync([Op.SetData(DomainKeys.Path(vm.Uuid, DomainKeys.FailedReason), "libvirt: no such emulator"u8.ToArray()),
            Op.SetData(DomainKeys.Path(vm.Uuid, DomainKeys.State), "fail"u8.ToArray()),
            Op.SetData(BaseKeys.StorageHealth, Encoding.UTF8.GetBytes("""{"status":"HEALTH_WARN","checks":{"OSD_DOWN":{"severity":"HEALTH_WARN","summary":{"message":"1 osds down","count":1},"muted":false}},"mutes":[]}"""))]);

        var vmFault = FaultIds.VmFailed("broken");
        Assert.Equal("VM_FAILED_BROKEN", vmFault);
        await c.WaitAsync(FaultKeys.Path(vmFault, FaultKeys.Message), m => m.Length > 0, "the primary's fault check raising the failed VM");
        await c.WaitAsync(FaultKeys.Path("CEPH_WARN_OSD_DOWN", FaultKeys.Message), m => m.Length > 0, "the primary's fault check raising Ceph's warning");

        var faults = (await c.Connection.Faults.ListAsync()).ToDictionary(f => f.Id);
        Assert.Equal("VM broken was failed (libvirt: no such emulator)", faults[vmFault].Message);
        Assert.Equal(ClusterFaultChecks.VmFailedDelta, faults[vmFault].HealthDelta);
        Assert.Equal("HEALTH_WARN OSD_DOWN reported by Ceph (1 osds down)", faults["CEPH_WARN_OSD_DOWN"].Message);
        Assert.Equal(ClusterFaultChecks.CephWarnDelta, faults["CEPH_WARN_OSD_DOWN"].HealthDelta);
        // one node of 32 GiB with nothing running: nothing else is a fault
        Assert.Equal(2, faults.Count);

        // a fault still present is renewed, not raised anew: its first report stays
        var first = await c.ReadAsync(FaultKeys.Path(vmFault, FaultKeys.FirstTime));
        var last = await c.ReadAsync(FaultKeys.Path(vmFault, FaultKeys.LastTime));
        await c.WaitAsync(FaultKeys.Path(vmFault, FaultKeys.LastTime), t => t != last, "the next round renewing the fault");
        Assert.Equal(first, await c.ReadAsync(FaultKeys.Path(vmFault, FaultKeys.FirstTime)));
    }
}
