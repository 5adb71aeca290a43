using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Pvc.Core.Connection;
using Pvc.Core.Faults;
using Pvc.Core.Nodes;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Health;

/// <summary>
/// What a node's health monitor writes about its own node (PVC's pvchealthd MonitoringInstance): the plugins it
/// loaded (<c>monitoring_plugins</c>, <c>monitoring_data/&lt;plugin&gt;</c>), each round's plugin results and the
/// node's health (<c>monitoring_health</c>), and a <c>NODE_PLUGIN_&lt;PLUGIN&gt;_&lt;NODE&gt;</c> fault per plugin that
/// found a problem.
/// </summary>
public sealed class NodeHealthHostOperations(ClusterConnection cluster, string nodeName)
{
    private ZooKeeperClient Zk => cluster.ZooKeeper;

    /// <summary>The node.</summary>
    public string NodeName => nodeName;

    /// <summary>
    /// Records the loaded plugins, in one transaction: <c>monitoring_plugins</c> = their names, space-separated;
    /// each plugin's keys exist (its root holding its name); the data of plugins no longer loaded is deleted.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not one znode path segment.</exception>
    public async Task LoadPluginsAsync(IReadOnlyList<string> plugins, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        if (plugins.FirstOrDefault(p => !ZnodeName.IsValid(p) || p.Contains(' ', StringComparison.Ordinal)) is { } bad)
            throw new ArgumentException($"'{bad}' is not a plugin name.", nameof(plugins));
        for (var attempt = 1; ; attempt++)
        {
            var dataRoot = NodeKeys.Path(nodeName, NodeKeys.MonitoringData);
            var tree = await ZnodeTree.WalkAsync(Zk, [dataRoot], withVersions: false, null, cancellationToken);
            var existing = tree.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
            var ops = new List<Op>
            {
                Op.SetData(NodeKeys.Path(nodeName, NodeKeys.MonitoringPlugins), Utf8(PvcList.EncodeSpace(plugins))),
            };
            if (!existing.Contains(dataRoot))
                ops.Add(Op.Create(dataRoot, ReadOnlyMemory<byte>.Empty));
            var kept = plugins.Select(p => MonitoringPluginKeys.Path(nodeName, p)).ToHashSet(StringComparer.Ordinal);
            foreach (var entry in tree.Where(e => e.Depth > 0 && !kept.Contains(PluginRootOf(dataRoot, e.Path))).OrderByDescending(e => e.Depth))
                ops.Add(Op.Delete(entry.Path));
            foreach (var plugin in plugins)
            {
                foreach (var key in MonitoringPluginKeys.SubPaths)
                {
                    var path = MonitoringPluginKeys.Path(nodeName, plugin, key);
                    var value = key == MonitoringPluginKeys.Root ? plugin : "";
                    if (!existing.Contains(path))
                        ops.Add(Op.Create(path, Utf8(value)));
                    else if (key == MonitoringPluginKeys.Root)
                        ops.Add(Op.SetData(path, Utf8(value)));
                }
            }
            try
            {
                await Zk.MultiAsync(ops, cancellationToken);
                return;
            }
            catch (ZooKeeperException e) when (attempt < 3 && e is NoNodeException or NodeExistsException or NotEmptyException)
            {
                // someone changed the plugin data meanwhile (a stale service of this node): read again
            }
        }
    }

    /// <summary>
    /// Writes one round's results and the node's health (100 minus the deltas, <see cref="NodeHealth.Compute"/>) in one
    /// transaction, then raises a fault for every plugin with a delta above 0 (<see cref="FaultIds.NodePlugin"/>, half
    /// the plugin's delta; nothing while the cluster is in maintenance, as every fault).
    /// </summary>
    /// <returns>The node's health written.</returns>
    public async Task<int> WriteResultsAsync(IReadOnlyList<NodeHealthPlugin> results, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        var health = NodeHealth.Compute(results.Select(r => r.HealthDelta));
        var ops = new List<Op>();
        foreach (var r in results)
        {
            string P(string key) => MonitoringPluginKeys.Path(nodeName, r.Name, key);
            ops.Add(Op.SetData(P(MonitoringPluginKeys.LastRun), Utf8(PvcNumber.EncodeEpoch(r.LastRun ?? DateTimeOffset.UtcNow))));
            ops.Add(Op.SetData(P(MonitoringPluginKeys.HealthDelta), Utf8(PvcNumber.Encode(r.HealthDelta))));
            ops.Add(Op.SetData(P(MonitoringPluginKeys.Message), Utf8(r.Message)));
            ops.Add(Op.SetData(P(MonitoringPluginKeys.Data), Utf8((r.Data ?? new JsonObject()).ToJsonString())));
            ops.Add(Op.SetData(P(MonitoringPluginKeys.Runtime), Utf8(r.Runtime.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture))));
        }
        ops.Add(Op.SetData(NodeKeys.Path(nodeName, NodeKeys.MonitoringHealth), Utf8(PvcNumber.Encode(health))));
        await Zk.MultiAsync(ops, cancellationToken);
        foreach (var r in results.Where(r => r.HealthDelta > 0))
            await cluster.Faults.RaiseAsync(FaultIds.NodePlugin(r.Name, nodeName), FaultIds.NodePluginDelta(r.HealthDelta),
                $"{nodeName} {r.Name}: {r.Message}", cancellationToken);
        return health;
    }

    /// <summary>
    /// The zookeeper health plugin's check (PVC's zkpr): reads <c>/schema/version</c> within <paramref name="deadline"/>.
    /// </summary>
    /// <returns>Null when ZooKeeper answered, else what went wrong.</returns>
    public async Task<string?> ProbeZooKeeperAsync(TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(deadline);
        try
        {
            var version = await Zk.GetDataAsync(BaseKeys.SchemaVersion, cancellationToken: limit.Token);
            return version.Data.Length > 0 ? null : $"{BaseKeys.SchemaVersion} is empty";
        }
        catch (ZooKeeperException e)
        {
            return e.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {deadline.TotalSeconds:0.#} s";
        }
    }

    /// <summary>The node's health as unknown (<c>monitoring_health</c> = "None"), as PVC's health daemon leaves it when it stops.</summary>
    public Task ClearHealthAsync(CancellationToken cancellationToken = default) =>
        Zk.SetDataAsync(NodeKeys.Path(nodeName, NodeKeys.MonitoringHealth), Utf8("None"), -1, cancellationToken);

    private static string PluginRootOf(string dataRoot, string path)
    {
        var rest = path[(dataRoot.Length + 1)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return $"{dataRoot}/{(slash < 0 ? rest : rest[..slash])}";
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
