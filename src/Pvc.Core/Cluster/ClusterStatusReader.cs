using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Faults;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;

namespace Pvc.Core.Cluster;

/// <summary>Reads a <see cref="ClusterStatus"/>.</summary>
public static class ClusterStatusReader
{
    /// <summary>
    /// Reads the cluster's status in two round trips, however many nodes, VMs and faults it has: the
    /// configuration and the lists first, then every node's states, VM's state, fault and the primary's version.
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

        foreach (var node in nodes)
            batch.Data(NodeKeys.Path(node, NodeKeys.DaemonState)).Data(NodeKeys.Path(node, NodeKeys.DomainState));
        foreach (var vm in vms)
            batch.Data(DomainKeys.Schema.Path(vm, DomainKeys.State));
        foreach (var id in faultIds)
            FaultStore.Queue(batch, id);
        if (primary is not null && !primary.Contains('/', StringComparison.Ordinal))
            batch.Data(NodeKeys.Path(primary, NodeKeys.PvcVersion));
        await batch.ReadAsync(cancellationToken);

        var nodeStates = nodes
            .Select(n => (Daemon: Wire.DaemonState.Decode(batch.Text(NodeKeys.Path(n, NodeKeys.DaemonState))),
                          Domain: Wire.DomainState.Decode(batch.Text(NodeKeys.Path(n, NodeKeys.DomainState)))))
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
            NodeCount = nodes.Count,
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
