using Pvc.Core.Faults;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Core.Vms;

namespace Pvc.Core.Tests;

/// <summary>PVC's cluster fault checks (pvchealthd's cluster_faults_map) over states of a cluster: ids, deltas, messages.</summary>
public sealed class ClusterFaultChecksTests
{
    private static Node NodeOf(string name, NodeDaemonState state = NodeDaemonState.Run, long totalMiB = 32768, long allocatedMiB = 0) =>
        new() { Name = name, DaemonState = state, MemoryTotalMiB = totalMiB, MemoryAllocatedMiB = allocatedMiB };

    [Fact]
    public void A_healthy_cluster_has_no_fault()
    {
        var found = ClusterFaultChecks.Evaluate([NodeOf("hv1"), NodeOf("hv2"), NodeOf("hv3")], [new Vm { Uuid = Guid.NewGuid(), Name = "web1", State = VmState.Start }],
            [new Osd { Id = 0, Stats = new OsdStats { Json = "{}", In = true } }], [new CephHealthCheck("POOL_NO_REDUNDANCY", StorageHealthStatus.Unknown, "muted")]);
        Assert.Empty(found);
    }

    [Fact]
    public void Dead_and_fenced_nodes_out_OSDs_Ceph_checks_and_failed_VMs_are_faults_with_PVCs_ids_and_deltas()
    {
        var found = ClusterFaultChecks.Evaluate(
            [NodeOf("hv1"), NodeOf("hv2", NodeDaemonState.Dead), NodeOf("hv3", NodeDaemonState.Fenced)],
            [new Vm { Uuid = Guid.NewGuid(), Name = "db1", State = VmState.Fail, FailedReason = "no memory" }],
            [new Osd { Id = 4, Stats = new OsdStats { Json = "{}", In = false } }, new Osd { Id = 5, Stats = new OsdStats { Json = "{}", IsPlaceholder = true } }],
            [new CephHealthCheck("OSD_DOWN", StorageHealthStatus.Warning, "1 osds down"), new CephHealthCheck("PG_DAMAGED", StorageHealthStatus.Error, "1 pg inconsistent")]);

        Assert.Equal(
            [
                new FaultReport("DEAD_NODE_HV2", 50, "Node hv2 was dead and/or fenced"),
                new FaultReport("DEAD_NODE_HV3", 50, "Node hv3 was dead and/or fenced"),
                new FaultReport("CEPH_OSD_OUT_4", 50, "OSD 4 was marked out"),
                new FaultReport("CEPH_WARN_OSD_DOWN", 10, "HEALTH_WARN OSD_DOWN reported by Ceph (1 osds down)"),
                new FaultReport("CEPH_ERR_PG_DAMAGED", 50, "HEALTH_ERR PG_DAMAGED reported by Ceph (1 pg inconsistent)"),
                new FaultReport("VM_FAILED_DB1", 10, "VM db1 was failed (no memory)"),
            ], found);
    }

    [Theory]
    [InlineData(32767, false)]
    [InlineData(32768, true)] // PVC's rule is "at least": allocated >= total - largest
    public void Memory_is_overprovisioned_when_the_VMs_would_not_fit_without_the_largest_node(long allocatedMiB, bool overprovisioned)
    {
        var found = ClusterFaultChecks.Evaluate([NodeOf("hv1", totalMiB: 16384, allocatedMiB: allocatedMiB), NodeOf("hv2", totalMiB: 16384), NodeOf("hv3")], [], [], []);
        Assert.Equal(overprovisioned, found.Any(f => f.Id == "MEMORY_OVERPROVISIONED" && f.HealthDelta == 50 && f.Message == $"Cluster memory was overprovisioned {allocatedMiB}MB > 32768MB (N-1)"));
    }

    [Fact]
    public void Nodes_that_have_not_reported_memory_are_no_overprovisioning()
    {
        Assert.Empty(ClusterFaultChecks.Evaluate([NodeOf("hv1", totalMiB: 0), NodeOf("hv2", totalMiB: 0)], [], [], []));
    }

    [Fact]
    public void A_name_from_the_cluster_cannot_make_a_fault_id_reach_another_znode()
    {
        var found = ClusterFaultChecks.Evaluate([], [], [], [new CephHealthCheck("../../config/x", StorageHealthStatus.Warning, "forged")]);
        var id = Assert.Single(found).Id;
        Assert.Equal("CEPH_WARN_.._.._CONFIG_X", id);
        Assert.DoesNotContain('/', id);
    }
}
