using System.Globalization;
using Pvc.Core.Connection;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Core.Vms;

namespace Pvc.Core.Faults;

/// <summary>
/// The cluster fault checks PVC's primary runs every monitoring interval (pvchealthd's cluster_faults_map, inventory
/// 4.6), with its deltas and messages: a dead or fenced node (50), an OSD out (50), each Ceph health check by its
/// severity (warn 10, err 50), a failed VM (10), and memory allocated beyond what the cluster keeps with its largest
/// node lost (50). A check only raises; as in PVC a fault stays until it is acknowledged or deleted, and a fault
/// still present renews its last report.
/// </summary>
public static class ClusterFaultChecks
{
    /// <summary>PVC's deltas.</summary>
    public const int DeadNodeDelta = FaultIds.DeadNodeDelta, OsdOutDelta = 50, CephWarnDelta = 10, CephErrDelta = 50, VmFailedDelta = 10, MemoryOverprovisionedDelta = 50;

    /// <summary>Reads what the checks need (nodes, VMs, OSDs, Ceph's health) and returns the faults found.</summary>
    public static async Task<IReadOnlyList<FaultReport>> RunAsync(ClusterConnection cluster, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var nodes = cluster.Nodes.ListAsync(cancellationToken: cancellationToken);
        var vms = cluster.Vms.ListAsync(cancellationToken: cancellationToken);
        var osds = cluster.Osds.ListAsync(cancellationToken: cancellationToken);
        var storage = StorageStatus.ReadAsync(cluster, cancellationToken);
        return Evaluate(await nodes, await vms, await osds, (await storage).HealthChecks);
    }

    /// <summary>The faults the checks find in this state of the cluster.</summary>
    public static IReadOnlyList<FaultReport> Evaluate(IReadOnlyList<Node> nodes, IReadOnlyList<Vm> vms, IReadOnlyList<Osd> osds, IReadOnlyList<CephHealthCheck> cephChecks)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(vms);
        ArgumentNullException.ThrowIfNull(osds);
        ArgumentNullException.ThrowIfNull(cephChecks);
        var found = new List<FaultReport>();
        foreach (var node in nodes.Where(n => n.DaemonState is NodeDaemonState.Dead or NodeDaemonState.Fenced))
            found.Add(new FaultReport(FaultIds.DeadNode(node.Name), DeadNodeDelta, $"Node {node.Name} was dead and/or fenced"));
        foreach (var osd in osds.Where(o => o.Stats is { IsPlaceholder: false, In: false }))
            found.Add(new FaultReport(FaultIds.OsdOut(osd.Id), OsdOutDelta, string.Create(CultureInfo.InvariantCulture, $"OSD {osd.Id} was marked out")));
        foreach (var check in cephChecks.Where(c => c.Severity is StorageHealthStatus.Warning or StorageHealthStatus.Error))
        {
            var (id, delta, severity) = check.Severity == StorageHealthStatus.Error
                ? (FaultIds.CephError(check.Code), CephErrDelta, "HEALTH_ERR") : (FaultIds.CephWarning(check.Code), CephWarnDelta, "HEALTH_WARN");
            found.Add(new FaultReport(id, delta, $"{severity} {check.Code} reported by Ceph ({check.Message})"));
        }
        foreach (var vm in vms.Where(v => v.State == VmState.Fail))
            found.Add(new FaultReport(FaultIds.VmFailed(vm.Name), VmFailedDelta, $"VM {vm.Name} was failed ({vm.FailedReason})"));
        if (nodes.Count > 0)
        {
            // N-1: what the VMs hold must fit the cluster with its largest node lost
            var allocated = nodes.Sum(n => n.MemoryAllocatedMiB);
            var available = nodes.Sum(n => n.MemoryTotalMiB) - nodes.Max(n => n.MemoryTotalMiB);
            // no memory reported yet (nodes before their first keepalive) is no finding
            if (available > 0 && allocated >= available)
                found.Add(new FaultReport(FaultIds.MemoryOverprovisioned, MemoryOverprovisionedDelta,
                    string.Create(CultureInfo.InvariantCulture, $"Cluster memory was overprovisioned {allocated}MB > {available}MB (N-1)")));
        }
        return found;
    }
}
