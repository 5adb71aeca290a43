using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Faults;
using Pvc.Core.Nodes;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;

namespace Pvc.Core.Cluster;

/// <summary>Reads a <see cref="ClusterStatus"/>.</summary>
public static class ClusterStatusReader
{
    /// <summary>
    /// Reads the cluster's status in at most three round trips, however many nodes, VMs, faults, volumes and snapshots
    /// it has: the configuration and the lists first; then every node's keys, VM's state, fault, OSD's stats, pool's
    /// volumes and the primary's version; then, when there are any, every volume's snapshots and the nodes' health plugins.
    /// </summary>
    /// <exception cref="PvcException">InvalidData: "ClusterNotInitialized" or "UnsupportedSchemaVersion".</exception>
    public static async Task<ClusterStatus> ReadAsync(ClusterConnection connection, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var batch = new ZnodeBatch(connection.ZooKeeper, counter);
        batch.Data(BaseKeys.SchemaVersion).Data(BaseKeys.Config).Data(BaseKeys.Maintenance).Data(BaseKeys.PrimaryNode)
            .Data(BaseKeys.UpstreamIp).Data(BaseKeys.StorageHealth).Data(DomainXmlAllowList.Path).Data(DomainXmlAllowList.DirectoriesPath).Children(BaseKeys.Nodes).Children(BaseKeys.Domains).Children(BaseKeys.Faults)
            .Children(BaseKeys.Networks).Children(BaseKeys.Osds).Children(BaseKeys.Pools);
        await batch.ReadAsync(cancellationToken);
        SchemaVersion.EnsureSupported(batch.Text(BaseKeys.SchemaVersion));

        IReadOnlyList<string> List(string path) => LockNodes.Without(batch.ChildrenOf(path) ?? []).ToList();
        var nodes = List(BaseKeys.Nodes);
        var vms = List(BaseKeys.Domains);
        var faultIds = FaultStore.ListIds(batch);
        var primaryText = PvcText.Decode(batch.Text(BaseKeys.PrimaryNode));
        var primary = primaryText is null || primaryText == "none" ? null : primaryText;

        var pools = List(BaseKeys.Pools);
        var osds = List(BaseKeys.Osds);
        // the nodes' keys (states, figures, health) as Get-PvcNode reads them
        NodeReader.Queue(batch, nodes);
        foreach (var osd in osds)
            batch.Data(CephKeys.Osd.Path(osd, CephKeys.Stats));
        foreach (var pool in pools)
            batch.Children(CephKeys.Volume.Root(pool));
        foreach (var vm in vms)
            batch.Data(DomainKeys.Schema.Path(vm, DomainKeys.State));
        foreach (var id in faultIds)
            FaultStore.Queue(batch, id);
        if (primary is not null && !primary.Contains('/', StringComparison.Ordinal))
            batch.Data(NodeKeys.Path(primary, NodeKeys.PvcVersion));
        await batch.ReadAsync(cancellationToken);
        // a volume's snapshots are the children of /ceph/snapshots/<pool>/<volume>, as PVC counts them: read in one wave
        // with the nodes' health plugins
        var volumes = pools.SelectMany(p => LockNodes.Without(batch.ChildrenOf(CephKeys.Volume.Root(p)) ?? []).Select(v => $"{p}/{v}")).ToList();
        foreach (var volume in volumes)
            batch.Children(CephKeys.Snapshot.Root(volume));
        var nodeList = (await NodeReader.DecodeAsync(batch, nodes, cancellationToken)).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var snapshotCount = volumes.Sum(v => LockNodes.Without(batch.ChildrenOf(CephKeys.Snapshot.Root(v)) ?? []).Count());
        var osdStats = osds.Select(o => Storage.OsdStats.Parse(batch.Text(CephKeys.Osd.Path(o, CephKeys.Stats)))).ToList();

        var nodeStates = nodeList
            .Select(n => (Daemon: n.DaemonState, Domain: n.DomainState))
            .GroupBy(s => s)
            .OrderBy(g => g.Key.Daemon).ThenBy(g => g.Key.Domain)
            .Select(g => new NodeStateCount(g.Key.Daemon, g.Key.Domain, g.Count()))
            .ToList();
        var vmStates = vms
            .Select(v => Wire.VmState.Decode(batch.Text(DomainKeys.Schema.Path(v, DomainKeys.State))))
            .GroupBy(s => s)
            .OrderBy(g => g.Key)
            .Select(g => new VmStateCount(g.Key, g.Count()))
            .ToList();
        // a fault deleted between the two reads is simply not there
        var faults = faultIds.Select(id => FaultStore.Decode(batch, id)).OfType<Fault>().ToList();

        var storageHealth = PvcJson.ParseObject(batch.Text(BaseKeys.StorageHealth));
        return new ClusterStatus
        {
            StorageHealth = storageHealth is { } h ? Wire.StorageHealth.Decode(PvcJson.Text(h, "status")) : StorageHealthStatus.Unknown,
            StorageHealthChecks = storageHealth is { } hc ? Storage.StorageStatus.Checks(hc) : [],
            Name = PvcText.Decode(batch.Text(BaseKeys.Config)),
            Health = ClusterHealth.Compute(faults),
            Maintenance = batch.Text(BaseKeys.Maintenance) == PvcBool.EncodeLowercase(true),
            AllowedDomainXml = [.. DomainXmlAllowList.Decode(batch.Text(DomainXmlAllowList.Path)).Order()],
            AllowedDomainXmlPaths = [.. DomainXmlAllowList.DecodeDirectories(batch.Text(DomainXmlAllowList.DirectoriesPath)).Select(d => d.Path)],
            PrimaryNode = primary,
            PvcVersion = primary is null ? null : PvcText.Decode(batch.Text(NodeKeys.Path(primary, NodeKeys.PvcVersion))),
            UpstreamIp = PvcText.Decode(batch.Text(BaseKeys.UpstreamIp)),
            NodeCount = nodeList.Count,
            VolumeCount = volumes.Count,
            SnapshotCount = snapshotCount,
            Resources = new ClusterResources
            {
                Memory = new ClusterMemory(nodeList.Sum(n => n.MemoryTotalMiB), nodeList.Sum(n => n.MemoryUsedMiB), nodeList.Sum(n => n.MemoryFreeMiB),
                    nodeList.Sum(n => n.MemoryAllocatedMiB), nodeList.Sum(n => n.MemoryProvisionedMiB)),
                Cpu = new ClusterCpu(nodeList.Sum(n => n.CpuCount ?? 0), Math.Round(nodeList.Sum(n => n.CpuLoad ?? 0), 2), nodeList.Sum(n => n.VcpusAllocated)),
                Disk = new ClusterDisk(osdStats.Sum(o => o?.SizeKiB ?? 0), osdStats.Sum(o => o?.UsedKiB ?? 0), osdStats.Sum(o => o?.AvailableKiB ?? 0),
                    osdStats.Count > 0 ? Math.Round(osdStats.Sum(o => o?.Utilization ?? 0) / osdStats.Count, 2) : 0),
            },
            OsdStates = [.. osdStats.GroupBy(o => (o?.Up, o?.In))
                .OrderByDescending(g => g.Key.Up == true).ThenByDescending(g => g.Key.In == true).ThenBy(g => g.Key.Up.HasValue ? 0 : 1)
                .Select(g => new OsdStateCount(g.Key.Up, g.Key.In, g.Count()))],
            NodeHealth = [.. nodeList.Select(n => new NodeHealthSummary(n.Name, n.Health,
                [.. n.HealthPlugins.Where(p => p.HealthDelta > 0).Select(p => $"'{p.Name}': {p.Message}")]))],
            VmCount = vms.Count,
            NetworkCount = List(BaseKeys.Networks).Count,
            OsdCount = List(BaseKeys.Osds).Count,
            PoolCount = List(BaseKeys.Pools).Count,
            NodeStates = nodeStates,
            VmStates = vmStates,
            ActiveFaults = ClusterHealth.Active(faults),
        };
    }
}
