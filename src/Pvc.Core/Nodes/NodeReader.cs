using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Nodes;

/// <summary>Reads nodes in a constant number of round trips: the list, then every node's keys at once.</summary>
internal static class NodeReader
{
    /// <summary>The keys a <see cref="Node"/> is read from (never the IPMI password).</summary>
    private static readonly string[] Keys =
    [
        NodeKeys.Mode, NodeKeys.DaemonState, NodeKeys.RouterState, NodeKeys.DomainState, NodeKeys.Keepalive,
        NodeKeys.PvcVersion, NodeKeys.StaticData, NodeKeys.RunningDomains, NodeKeys.DomainCount, NodeKeys.CpuLoad,
        NodeKeys.VcpuAllocated, NodeKeys.MemoryTotal, NodeKeys.MemoryUsed, NodeKeys.MemoryFree,
        NodeKeys.MemoryAllocated, NodeKeys.MemoryProvisioned, NodeKeys.MonitoringHealth, NodeKeys.IpmiHostname,
        NodeKeys.IpmiUsername, NodeKeys.MonitoringPlugins,
    ];

    /// <summary>Every node, sorted by name.</summary>
    internal static async Task<IReadOnlyList<Node>> ListAsync(ZooKeeperClient zk, CancellationToken cancellationToken = default, ReadCounter? counter = null) =>
        (await ListWithAsync(zk, null, cancellationToken, counter)).Nodes;

    /// <summary>Every node, and the text of one more key read in the same round trip as the node list.</summary>
    internal static async Task<(IReadOnlyList<Node> Nodes, string? Also)> ListWithAsync(ZooKeeperClient zk, string? also, CancellationToken cancellationToken, ReadCounter? counter)
    {
        var batch = new ZnodeBatch(zk, counter).Children(BaseKeys.Nodes).Data(BaseKeys.SchemaVersion);
        if (also is not null)
            batch.Data(also);
        await batch.ReadAsync(cancellationToken);
        SchemaVersion.EnsureSupported(batch.Text(BaseKeys.SchemaVersion));
        var names = LockNodes.Without(batch.ChildrenOf(BaseKeys.Nodes) ?? []).Order(StringComparer.Ordinal).ToList();
        return (await ReadAsync(zk, names, cancellationToken, counter), also is null ? null : batch.Text(also));
    }

    /// <summary>The named nodes that exist (in the order given).</summary>
    internal static async Task<IReadOnlyList<Node>> ReadAsync(ZooKeeperClient zk, IReadOnlyList<string> names, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        var batch = Queue(new ZnodeBatch(zk, counter).Data(BaseKeys.SchemaVersion), names);
        await batch.ReadAsync(cancellationToken);
        SchemaVersion.EnsureSupported(batch.Text(BaseKeys.SchemaVersion));
        return await DecodeAsync(batch, names, cancellationToken);
    }

    /// <summary>Queues the keys of the named nodes on <paramref name="batch"/>, to be read with whatever else it holds.</summary>
    internal static ZnodeBatch Queue(ZnodeBatch batch, IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            batch.Data(NodeKeys.Path(name));
            foreach (var key in Keys)
                batch.Data(NodeKeys.Path(name, key));
        }
        return batch;
    }

    /// <summary>
    /// The named nodes that exist, from a <paramref name="batch"/> that has read what <see cref="Queue"/> queued. It reads
    /// once more (with anything else queued meanwhile) for the health plugins' results when any node has plugins loaded.
    /// </summary>
    internal static async Task<IReadOnlyList<Node>> DecodeAsync(ZnodeBatch batch, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var existing = names.Where(n => batch.Text(NodeKeys.Path(n)) is not null).ToList();
        var plugins = existing.ToDictionary(n => n, n => PvcList.DecodeSpace(batch.Text(NodeKeys.Path(n, NodeKeys.MonitoringPlugins)))
            .Where(ZnodeName.IsValid).ToList(), StringComparer.Ordinal);
        foreach (var (node, list) in plugins)
            foreach (var plugin in list)
                foreach (var key in MonitoringPluginKeys.SubPaths)
                    batch.Data(MonitoringPluginKeys.Path(node, plugin, key));
        await batch.ReadAsync(cancellationToken);
        return [.. existing.Select(n => FromBatch(batch, n, plugins[n]))];
    }

    private static NodeHealthPlugin PluginFromBatch(ZnodeBatch batch, string node, string plugin)
    {
        string? Get(string key) => batch.Text(MonitoringPluginKeys.Path(node, plugin, key));
        return new NodeHealthPlugin
        {
            Name = plugin,
            HealthDelta = PvcNumber.DecodeInt(Get(MonitoringPluginKeys.HealthDelta)) ?? 0,
            Message = Get(MonitoringPluginKeys.Message) ?? "",
            Data = DataOf(Get(MonitoringPluginKeys.Data)),
            LastRun = PvcNumber.DecodeEpoch(Get(MonitoringPluginKeys.LastRun)),
            Runtime = TimeSpan.FromSeconds(PvcNumber.DecodeDouble(Get(MonitoringPluginKeys.Runtime)) ?? 0),
        };
    }

    private static System.Text.Json.Nodes.JsonNode? DataOf(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // PVC's own plugins write JSON; anything else is no detail
        }
    }

    private static Node FromBatch(ZnodeBatch batch, string name, IReadOnlyList<string> plugins)
    {
        string? Get(string key) => batch.Text(NodeKeys.Path(name, key));
        var staticData = PvcList.DecodeSpace(Get(NodeKeys.StaticData));
        return new Node
        {
            Name = name,
            Mode = Wire.NodeMode.Decode(Get(NodeKeys.Mode)),
            DaemonState = Wire.DaemonState.Decode(Get(NodeKeys.DaemonState)),
            CoordinatorState = Wire.CoordinatorState.Decode(Get(NodeKeys.RouterState)),
            DomainState = Wire.DomainState.Decode(Get(NodeKeys.DomainState)),
            Keepalive = PvcNumber.DecodeEpoch(Get(NodeKeys.Keepalive)),
            PvcVersion = PvcText.Decode(Get(NodeKeys.PvcVersion)),
            CpuCount = staticData.Count > 0 ? PvcNumber.DecodeInt(staticData[0]) : null,
            Kernel = staticData.Count > 1 ? staticData[1] : null,
            OperatingSystem = staticData.Count > 2 ? staticData[2] : null,
            Architecture = staticData.Count > 3 ? staticData[3] : null,
            RunningVms = [.. PvcList.DecodeSpace(Get(NodeKeys.RunningDomains)).Select(s => Guid.TryParse(s, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty)],
            VmCount = PvcNumber.DecodeInt(Get(NodeKeys.DomainCount)) ?? 0,
            CpuLoad = PvcNumber.DecodeDouble(Get(NodeKeys.CpuLoad)),
            VcpusAllocated = PvcNumber.DecodeInt(Get(NodeKeys.VcpuAllocated)) ?? 0,
            MemoryTotalMiB = PvcNumber.DecodeLong(Get(NodeKeys.MemoryTotal)) ?? 0,
            MemoryUsedMiB = PvcNumber.DecodeLong(Get(NodeKeys.MemoryUsed)) ?? 0,
            MemoryFreeMiB = PvcNumber.DecodeLong(Get(NodeKeys.MemoryFree)) ?? 0,
            MemoryAllocatedMiB = PvcNumber.DecodeLong(Get(NodeKeys.MemoryAllocated)) ?? 0,
            MemoryProvisionedMiB = PvcNumber.DecodeLong(Get(NodeKeys.MemoryProvisioned)) ?? 0,
            Health = PvcNumber.DecodeInt(Get(NodeKeys.MonitoringHealth)),
            IpmiHostname = PvcText.Decode(Get(NodeKeys.IpmiHostname)),
            IpmiUsername = PvcText.Decode(Get(NodeKeys.IpmiUsername)),
            HealthPlugins = [.. plugins.Where(p => batch.StatOf(MonitoringPluginKeys.Path(name, p)) is not null).Select(p => PluginFromBatch(batch, name, p))],
        };
    }
}
