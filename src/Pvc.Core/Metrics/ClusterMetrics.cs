using System.Globalization;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Vms;

namespace Pvc.Core.Metrics;

/// <summary>
/// PVC's cluster metrics (its API's <c>/metrics/health</c> and <c>/metrics/resource</c>, inventory section 6) as
/// metric families, from one <see cref="ClusterMetricsSnapshot"/>. Names, labels and units are PVC's, with two of its
/// slips mended: PVC announces <c>pvc_node_load</c> but writes <c>pvc_node_load_average</c>, and announces
/// <c>pvc_vm_node_autostart</c> but writes <c>pvc_vm_autostart</c>; here each family is written under the name PVC's
/// samples carry (what its dashboards query), with a matching HELP.
/// </summary>
public static class ClusterMetrics
{
    private static readonly string[] None = [];
    private static readonly string[] NodeLabel = ["node"];
    private static readonly string[] VmLabel = ["vm"];
    private static readonly string[] StateLabel = ["state"];
    private static readonly string[] OsdLabel = ["osd"];

    /// <summary>The families of one scrape, health first, then resource.</summary>
    public static IReadOnlyList<MetricFamily> Build(ClusterMetricsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var families = new List<MetricFamily>(96);
        Health(snapshot, families);
        Resource(snapshot, families);
        return families;
    }

    private static void Add(List<MetricFamily> families, MetricPart part, string name, string help, string[] labels, IReadOnlyList<MetricSample> samples) =>
        families.Add(new MetricFamily(name, help, part, labels, samples));

    private static MetricSample[] One(double value) => [new MetricSample(None, value)];

    private static MetricSample[] PerNode(IReadOnlyList<Node> nodes, Func<Node, double> value) =>
        [.. nodes.Select(n => new MetricSample([n.Name], value(n)))];

    private static MetricSample[] PerVm(IReadOnlyList<Vm> vms, Func<Vm, double> value) =>
        [.. vms.Select(v => new MetricSample([v.Name], value(v)))];

    private static MetricSample[] PerVmLabel(IReadOnlyList<Vm> vms, Func<Vm, string> label, Func<Vm, double>? value = null) =>
        [.. vms.Select(v => new MetricSample([v.Name, label(v)], value?.Invoke(v) ?? 1))];

    private static void Health(ClusterMetricsSnapshot s, List<MetricFamily> f)
    {
        const MetricPart h = MetricPart.Health;
        var status = s.Status;
        Add(f, h, "pvc_info", "PVC cluster information", ["primary_node", "version", "upstream_ip"],
            [new MetricSample([status.PrimaryNode ?? "none", status.PvcVersion ?? "", status.UpstreamIp ?? ""], 1)]);
        Add(f, h, "pvc_cluster_maintenance", "PVC cluster maintenance state", None, One(status.Maintenance ? 1 : 0));
        Add(f, h, "pvc_cluster_health", "PVC cluster health status", None, One(status.Health));
        Add(f, h, "pvc_cluster_faults", "PVC cluster new faults", ["status"],
            [new MetricSample(["new"], s.Faults.Count(x => x.Status != FaultStatus.Ack)), new MetricSample(["ack"], s.Faults.Count(x => x.Status == FaultStatus.Ack))]);
        Add(f, h, "pvc_node_health", "PVC cluster node health status", NodeLabel,
            [.. s.Nodes.Where(n => n.Health is not null).Select(n => new MetricSample([n.Name], n.Health!.Value))]);
        Add(f, h, "pvc_node_daemon_states", "PVC Node daemon state counts", StateLabel,
            [.. new[] { NodeDaemonState.Init, NodeDaemonState.Run, NodeDaemonState.Shutdown, NodeDaemonState.Stop, NodeDaemonState.Dead, NodeDaemonState.Fenced }
                .Select(state => new MetricSample([Wire.DaemonState.Describe(state)], s.Nodes.Count(n => n.DaemonState == state)))]);
        Add(f, h, "pvc_node_domain_states", "PVC Node domain state counts", StateLabel,
            [.. new[] { NodeDomainState.Ready, NodeDomainState.Flush, NodeDomainState.Flushed, NodeDomainState.Unflush }
                .Select(state => new MetricSample([Wire.DomainState.Describe(state)], s.Nodes.Count(n => n.DomainState == state)))]);
        Add(f, h, "pvc_vm_states", "PVC VM state counts", StateLabel,
            [.. new[] { VmState.Start, VmState.Restart, VmState.Shutdown, VmState.Stop, VmState.Disable, VmState.Fail, VmState.Migrate, VmState.Unmigrate, VmState.Provision, VmState.Import, VmState.Restore, VmState.Mirror }
                .Select(state => new MetricSample([Wire.VmState.Describe(state)], s.Vms.Count(v => v.State == state || (state == VmState.Migrate && v.State == VmState.MigrateLive))))]);
        var osdStats = s.Osds.Select(o => o.Stats).ToList();
        Add(f, h, "pvc_ceph_osd_up_states", "PVC OSD up state counts", StateLabel,
            [new MetricSample(["up"], osdStats.Count(x => x?.Up == true)), new MetricSample(["down"], osdStats.Count(x => x?.Up != true))]);
        Add(f, h, "pvc_ceph_osd_in_states", "PVC OSD in state counts", StateLabel,
            [new MetricSample(["in"], osdStats.Count(x => x?.In == true)), new MetricSample(["out"], osdStats.Count(x => x?.In != true))]);
        Add(f, h, "pvc_nodes", "PVC Node count", None, One(status.NodeCount));
        Add(f, h, "pvc_vms", "PVC VM count", None, One(status.VmCount));
        Add(f, h, "pvc_osds", "PVC OSD count", None, One(status.OsdCount));
        Add(f, h, "pvc_networks", "PVC Network count", None, One(status.NetworkCount));
        Add(f, h, "pvc_pools", "PVC Storage Pool count", None, One(status.PoolCount));
        Add(f, h, "pvc_volumes", "PVC Storage Volume count", None, One(s.VolumeCount));
    }

    /// <summary>A percentage of what all nodes but the largest have (PVC's n-1); none when that is nothing (one node).</summary>
    private static MetricSample[] NMinusOne(IReadOnlyList<Node> nodes, Func<Node, double> capacity, double used)
    {
        var total = nodes.Select(capacity).Order().SkipLast(1).Sum();
        return total > 0 ? One(Math.Round(used / total * 100, 2)) : [];
    }

    private static double Percent(double part, double whole) => whole > 0 ? part / whole * 100 : 0;

    private static void Resource(ClusterMetricsSnapshot s, List<MetricFamily> f)
    {
        const MetricPart r = MetricPart.Resource;
        var nodes = s.Nodes;
        Add(f, r, "pvc_cluster_cpu_utilization", "PVC cluster CPU utilization percentage (n-1)", None,
            NMinusOne(nodes, n => n.CpuCount ?? 0, nodes.Sum(n => n.CpuLoad ?? 0)));
        Add(f, r, "pvc_cluster_memory_real_utilization", "PVC cluster real memory utilization percentage (n-1)", None,
            NMinusOne(nodes, n => n.MemoryTotalMiB, nodes.Sum(n => (double)n.MemoryUsedMiB)));
        Add(f, r, "pvc_cluster_memory_allocated_utilization", "PVC cluster allocated memory utilization percentage (n-1)", None,
            NMinusOne(nodes, n => n.MemoryTotalMiB, nodes.Sum(n => (double)n.MemoryAllocatedMiB)));
        Add(f, r, "pvc_cluster_memory_provisioned_utilization", "PVC cluster provisioned memory utilization percentage (n-1)", None,
            NMinusOne(nodes, n => n.MemoryTotalMiB, nodes.Sum(n => (double)n.MemoryProvisionedMiB)));
        var osdSize = s.Osds.Sum(o => (double)(o.Stats?.SizeKiB ?? 0));
        Add(f, r, "pvc_cluster_disk_utilization", "PVC cluster disk utilization percentage", None,
            osdSize > 0 ? One(Math.Round(s.Osds.Sum(o => (double)(o.Stats?.UsedKiB ?? 0)) / osdSize * 100, 2)) : []);

        Add(f, r, "pvc_node_host_cpus", "PVC node host CPU count", NodeLabel, PerNode(nodes, n => n.CpuCount ?? 0));
        Add(f, r, "pvc_node_allocated_vcpus", "PVC node allocated vCPU count", NodeLabel, PerNode(nodes, n => n.VcpusAllocated));
        Add(f, r, "pvc_node_load_average", "PVC node 1 minute load average", NodeLabel, PerNode(nodes, n => n.CpuLoad ?? 0));
        Add(f, r, "pvc_node_cpu_utilization", "PVC node CPU utilization", NodeLabel,
            PerNode(nodes, n => Math.Round(Percent(n.CpuLoad ?? 0, n.CpuCount ?? 0), 2)));
        Add(f, r, "pvc_node_domains_count", "PVC node running domain count", NodeLabel, PerNode(nodes, n => n.VmCount));
        Add(f, r, "pvc_node_architecture", "PVC node system architecture", ["node", "architecture"],
            [.. nodes.Select(n => new MetricSample([n.Name, n.Architecture ?? ""], 1))]);
        Add(f, r, "pvc_node_kernel", "PVC node active kernel version", ["node", "kernel"],
            [.. nodes.Select(n => new MetricSample([n.Name, n.Kernel ?? ""], 1))]);
        Add(f, r, "pvc_node_total_memory", "PVC node total memory in MB", NodeLabel, PerNode(nodes, n => n.MemoryTotalMiB));
        Add(f, r, "pvc_node_allocated_memory", "PVC node allocated memory in MB", NodeLabel, PerNode(nodes, n => n.MemoryAllocatedMiB));
        Add(f, r, "pvc_node_allocated_memory_utilization", "PVC node allocated memory utilization", NodeLabel,
            PerNode(nodes, n => Percent(n.MemoryAllocatedMiB, n.MemoryTotalMiB)));
        Add(f, r, "pvc_node_provisioned_memory", "PVC node provisioned memory in MB", NodeLabel, PerNode(nodes, n => n.MemoryProvisionedMiB));
        Add(f, r, "pvc_node_provisioned_memory_utilization", "PVC node provisioned memory utilization", NodeLabel,
            PerNode(nodes, n => Percent(n.MemoryProvisionedMiB, n.MemoryTotalMiB)));
        Add(f, r, "pvc_node_used_memory", "PVC node used memory in MB", NodeLabel, PerNode(nodes, n => n.MemoryUsedMiB));
        Add(f, r, "pvc_node_used_memory_utilization", "PVC node used memory utilization", NodeLabel,
            PerNode(nodes, n => Percent(n.MemoryUsedMiB, n.MemoryTotalMiB)));
        Add(f, r, "pvc_node_free_memory", "PVC node free memory in MB", NodeLabel, PerNode(nodes, n => n.MemoryFreeMiB));

        var vms = s.Vms;
        Add(f, r, "pvc_vm_uuid", "PVC VM UUID", ["vm", "uuid"], PerVmLabel(vms, v => v.Uuid.ToString()));
        Add(f, r, "pvc_vm_description", "PVC VM description", ["vm", "description"], PerVmLabel(vms, v => v.Description ?? ""));
        Add(f, r, "pvc_vm_profile", "PVC VM profile", ["vm", "profile"], PerVmLabel(vms, v => v.Profile ?? ""));
        Add(f, r, "pvc_vm_state", "PVC VM state", ["vm", "state"], PerVmLabel(vms, v => Wire.VmState.Describe(v.State), v => VmStateMetric.Of(v.State)));
        Add(f, r, "pvc_vm_failed_reason", "PVC VM failed_reason", ["vm", "failed_reason"], PerVmLabel(vms, v => string.IsNullOrEmpty(v.FailedReason) ? "N/A" : v.FailedReason));
        Add(f, r, "pvc_vm_node_limit", "PVC VM node_limit", ["vm", "node_limit"], PerVmLabel(vms, v => string.Join(',', v.NodeLimit)));
        Add(f, r, "pvc_vm_node_selector", "PVC VM node_selector", ["vm", "node_selector"],
            PerVmLabel(vms, v => v.NodeSelector == default ? "Default" : Wire.NodeSelector.Describe(v.NodeSelector)));
        Add(f, r, "pvc_vm_autostart", "PVC VM node_autostart", ["vm", "autostart"], PerVmLabel(vms, v => v.Autostart ? "True" : "False", v => v.Autostart ? 1 : 0));
        Add(f, r, "pvc_vm_migration_method", "PVC VM migration_method", ["vm", "migration_method"],
            PerVmLabel(vms, v => v.MigrationMethod == default ? "Default" : Wire.MigrationMethod.Describe(v.MigrationMethod)));
        Add(f, r, "pvc_vm_tags", "PVC VM tags", ["vm", "tag"], [.. vms.SelectMany(v => v.Tags.Select(t => new MetricSample([v.Name, t.Name], 1)))]);
        Add(f, r, "pvc_vm_active_node", "PVC VM active node", ["vm", "node"], PerVmLabel(vms, v => v.Node ?? ""));
        Add(f, r, "pvc_vm_migrated", "PVC VM migrated state", ["vm", "last_node"], PerVmLabel(vms, v => v.LastNode ?? "No", v => v.IsMigrated ? 1 : 0));
        Add(f, r, "pvc_vm_vcpus", "PVC VM provisioned vCPUs", VmLabel, PerVm(vms, v => v.Vcpus));
        Add(f, r, "pvc_vm_vcpus_cpu_time", "PVC VM vCPU CPU time milliseconds", VmLabel, PerVm(vms, v => (v.Stats?.CpuTimeNs ?? 0) / 1e6));
        Add(f, r, "pvc_vm_vcpus_user_time", "PVC VM vCPU User time milliseconds", VmLabel, PerVm(vms, v => (v.Stats?.CpuUserNs ?? 0) / 1e6));
        Add(f, r, "pvc_vm_vcpus_system_time", "PVC VM vCPU System time milliseconds", VmLabel, PerVm(vms, v => (v.Stats?.CpuSystemNs ?? 0) / 1e6));
        Add(f, r, "pvc_vm_memory", "PVC VM provisioned memory MB", VmLabel, PerVm(vms, v => v.MemoryMiB));
        foreach (var stat in (string[])["actual", "rss", "unused", "available", "usable", "disk_caches", "swap_in", "swap_out", "major_fault", "minor_fault"])
            Add(f, r, "pvc_vm_memory_stats_" + stat, "PVC VM memory stat " + stat + " (libvirt, KB or count)", VmLabel,
                PerVm(vms, v => v.Stats?.MemoryStats.GetValueOrDefault(stat) ?? 0));
        MetricSample[] PerDisk(Func<VmDiskStats, long> value) =>
            [.. vms.SelectMany(v => (v.Stats?.Disks ?? []).Select(d => new MetricSample([v.Name, d.Name], value(d))))];
        string[] disk = ["vm", "disk"];
        Add(f, r, "pvc_vm_disk_rd_req", "PVC VM disk read requests", disk, PerDisk(d => d.ReadRequests));
        Add(f, r, "pvc_vm_disk_rd_bytes", "PVC VM disk bytes read", disk, PerDisk(d => d.ReadBytes));
        Add(f, r, "pvc_vm_disk_wr_req", "PVC VM disk write requests", disk, PerDisk(d => d.WriteRequests));
        Add(f, r, "pvc_vm_disk_wr_bytes", "PVC VM disk bytes write", disk, PerDisk(d => d.WriteBytes));

        var osds = s.Osds.Where(o => o.Stats is { IsPlaceholder: false }).ToList();
        MetricSample[] PerOsd(Func<Storage.OsdStats, double?> value) =>
            [.. osds.Where(o => value(o.Stats!) is not null).Select(o => new MetricSample([o.Id.ToString(CultureInfo.InvariantCulture)], value(o.Stats!)!.Value))];
        Add(f, r, "pvc_ceph_osd_util", "PVC OSD utilization percentage", OsdLabel, PerOsd(x => x.Utilization));
        Add(f, r, "pvc_ceph_osd_var", "PVC OSD utilization variability", OsdLabel, PerOsd(x => x.Variance));
        Add(f, r, "pvc_ceph_osd_pgs", "PVC OSD placement groups", OsdLabel, PerOsd(x => x.PlacementGroups));
        Add(f, r, "pvc_ceph_osd_size", "PVC OSD size KB", OsdLabel, PerOsd(x => x.SizeKiB));
        Add(f, r, "pvc_ceph_osd_used", "PVC OSD used bytes", OsdLabel, PerOsd(x => x.UsedKiB * 1024.0));
        Add(f, r, "pvc_ceph_osd_avail", "PVC OSD available bytes", OsdLabel, PerOsd(x => x.AvailableKiB * 1024.0));
    }
}
