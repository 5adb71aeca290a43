using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Nodes;

/// <summary>
/// What a node service writes about its own node (<see cref="NodeName"/>): registration, keepalives, and the
/// transitions of its daemon state and domain state (flush, flushed, unflush, ready) it makes, each a transaction
/// that checks the version its decision was based on where someone else may write the key too.
/// </summary>
public sealed class NodeHostOperations(ClusterConnection cluster, string nodeName)
{
    private readonly ConditionalWeakTable<Action, Watcher> _watchers = new();

    private ZooKeeperClient Zk => cluster.ZooKeeper;

    /// <summary>The node.</summary>
    public string NodeName => nodeName;

    private string P(string key) => NodeKeys.Path(nodeName, key);

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private Watcher WatcherFor(Action changed) => _watchers.GetValue(changed, c => _ => c());

    /// <summary>
    /// Puts the node into the cluster (PVC's setup_node): every node key exists (missing ones created; a new node starts
    /// flushed), the static keys are written, and the daemon state is "init", all in one transaction.
    /// </summary>
    /// <returns>The daemon state the node had before; null for a new node.</returns>
    public async Task<NodeDaemonState?> RegisterAsync(NodeRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var schema = SchemaVersion.Current.ToString(CultureInfo.InvariantCulture);
        var mode = Wire.NodeMode.Encode(registration.Mode);
        var values = new Dictionary<string, string>
        {
            [NodeKeys.Root] = mode,
            [NodeKeys.Mode] = mode,
            [NodeKeys.ActiveSchema] = schema,
            [NodeKeys.LatestSchema] = schema,
            [NodeKeys.StaticData] = PvcList.EncodeSpace(registration.StaticData),
            [NodeKeys.PvcVersion] = registration.PvcVersion,
            [NodeKeys.DaemonState] = Wire.DaemonState.Encode(NodeDaemonState.Init),
            [NodeKeys.RouterState] = Wire.CoordinatorState.Encode(registration.Mode == NodeMode.Coordinator ? CoordinatorState.Secondary : CoordinatorState.Client),
            [NodeKeys.IpmiHostname] = registration.IpmiHostname ?? "",
            [NodeKeys.IpmiUsername] = registration.IpmiUsername ?? "",
            [NodeKeys.IpmiPassword] = registration.IpmiPassword ?? "",
        };
        // keys that only a new node gets (an existing node keeps its domain state and counters)
        var fresh = new Dictionary<string, string>
        {
            [NodeKeys.DomainState] = Wire.DomainState.Encode(NodeDomainState.Flushed),
            [NodeKeys.NetworkCount] = "0",
            [NodeKeys.MonitoringHealth] = "None",
        };
        // which keys exist: one round trip for all of them
        var batch = new ZnodeBatch(Zk);
        foreach (var key in NodeKeys.Schema.SubPaths)
            batch.Data(P(key));
        batch.Data(P(NodeKeys.IpmiSystemGuid));
        await batch.ReadAsync(cancellationToken);
        var existing = NodeKeys.Schema.SubPaths.Where(key => batch.StatOf(P(key)) is not null).ToHashSet(StringComparer.Ordinal);
        var ops = new List<Op>();
        foreach (var key in NodeKeys.Schema.SubPaths)
        {
            var value = values.GetValueOrDefault(key) ?? (existing.Contains(key) ? null : fresh.GetValueOrDefault(key, ""));
            if (value is null)
                continue;
            ops.Add(existing.Contains(key) ? Op.SetData(P(key), Utf8(value)) : Op.Create(P(key), Utf8(value)));
        }
        // Pvc's own key: what a fencer checks the BMC it reaches against; a BMC that did not answer keeps the one recorded
        var guid = registration.IpmiSystemGuid is { } g ? g.ToString("D") : null;
        if (batch.StatOf(P(NodeKeys.IpmiSystemGuid)) is null)
            ops.Add(Op.Create(P(NodeKeys.IpmiSystemGuid), Utf8(guid ?? "")));
        else if (guid is not null)
            ops.Add(Op.SetData(P(NodeKeys.IpmiSystemGuid), Utf8(guid)));
        await Zk.MultiAsync(ops, cancellationToken);
        return batch.Text(P(NodeKeys.DaemonState)) is { } before ? Wire.DaemonState.Decode(before) : null;
    }

    /// <summary>PVC's autoready: a node that comes up "flushed" asks to take its VMs back ("unflush"); false when it was not flushed or changed meanwhile.</summary>
    public async Task<bool> AutoReadyAsync(CancellationToken cancellationToken)
    {
        var state = await Zk.GetDataAsync(P(NodeKeys.DomainState), cancellationToken: cancellationToken);
        if (Wire.DomainState.Decode(Encoding.UTF8.GetString(state.Data)) != NodeDomainState.Flushed)
            return false;
        return await TryCommitAsync([Op.SetData(P(NodeKeys.DomainState), Utf8(Wire.DomainState.Encode(NodeDomainState.Unflush)), state.Stat.Version)], cancellationToken);
    }

    /// <summary>
    /// Writes one keepalive in one transaction; the first one after registration also moves the daemon state to "run"
    /// (from anything but "run" and "shutdown", on condition that it is still what was read: a fencer marking the node
    /// dead meanwhile fails the write, and the next keepalive brings it back).
    /// </summary>
    public async Task WriteKeepaliveAsync(NodeKeepalive keepalive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keepalive);
        var state = await Zk.GetDataAsync(P(NodeKeys.DaemonState), cancellationToken: cancellationToken);
        var ops = new List<Op>
        {
            Op.SetData(P(NodeKeys.MemoryTotal), Utf8(PvcNumber.Encode(keepalive.MemoryTotalMiB))),
            Op.SetData(P(NodeKeys.MemoryUsed), Utf8(PvcNumber.Encode(keepalive.MemoryUsedMiB))),
            Op.SetData(P(NodeKeys.MemoryFree), Utf8(PvcNumber.Encode(keepalive.MemoryFreeMiB))),
            Op.SetData(P(NodeKeys.MemoryAllocated), Utf8(PvcNumber.Encode(keepalive.MemoryAllocatedMiB))),
            Op.SetData(P(NodeKeys.MemoryProvisioned), Utf8(PvcNumber.Encode(keepalive.MemoryProvisionedMiB))),
            Op.SetData(P(NodeKeys.VcpuAllocated), Utf8(PvcNumber.Encode(keepalive.VcpusAllocated))),
            Op.SetData(P(NodeKeys.CpuLoad), Utf8(PvcNumber.Encode(keepalive.CpuLoad))),
            Op.SetData(P(NodeKeys.DomainCount), Utf8(PvcNumber.Encode(keepalive.DomainCount))),
            Op.SetData(P(NodeKeys.RunningDomains), Utf8(PvcList.EncodeSpace(keepalive.RunningVms.Select(DomainKeys.Format)))),
            Op.SetData(P(NodeKeys.Keepalive), Utf8(PvcNumber.EncodeEpoch(DateTimeOffset.UtcNow))),
        };
        if (keepalive.Interfaces is { } interfaces)
            ops.Add(Op.SetData(P(NodeKeys.NetworkStats), Utf8(NodeInterfaceStats.EncodeAll(interfaces))));
        if (Wire.DaemonState.Decode(Encoding.UTF8.GetString(state.Data)) is not (NodeDaemonState.Run or NodeDaemonState.Shutdown))
            ops.Add(Op.SetData(P(NodeKeys.DaemonState), Utf8(Wire.DaemonState.Encode(NodeDaemonState.Run)), state.Stat.Version));
        await Zk.MultiAsync(ops, cancellationToken);
    }

    // the node log as this session last wrote it: the next append needs no read unless someone else wrote meanwhile
    private (string Text, int Version)? _log;

    /// <summary>
    /// Appends lines to the node's log, <c>/logs/&lt;node&gt;/messages</c>, keeping its last <paramref name="maxLines"/>
    /// (PVC's node_log_lines), created when missing. Each append is one write checked against the version it was based
    /// on (another writer's lines are never overwritten: on a conflict it reads again and retries).
    /// </summary>
    public async Task AppendLogAsync(IReadOnlyList<string> lines, int maxLines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var path = FaultKeys.Logs.Path(nodeName, FaultKeys.LogMessages);
        for (var attempt = 0; ; attempt++)
        {
            var current = _log;
            if (current is null)
            {
                try
                {
                    var read = await Zk.GetDataAsync(path, cancellationToken: cancellationToken);
                    current = (Encoding.UTF8.GetString(read.Data), read.Stat.Version);
                }
                catch (NoNodeException)
                {
                    var text = LogWindow.Append(null, lines, maxLines);
                    var parent = FaultKeys.Logs.Path(nodeName, FaultKeys.Root);
                    try
                    {
                        IReadOnlyList<Op> create = await Zk.ExistsAsync(parent, cancellationToken: cancellationToken) is null
                            ? [Op.Create(parent, ""u8.ToArray()), Op.Create(path, Utf8(text))] : [Op.Create(path, Utf8(text))];
                        await Zk.MultiAsync(create, cancellationToken);
                        _log = (text, 0);
                        return;
                    }
                    catch (NodeExistsException) when (attempt < 5)
                    {
                        continue; // someone else created it meanwhile: append to theirs
                    }
                }
            }
            var next = LogWindow.Append(current.Value.Text, lines, maxLines);
            try
            {
                var stat = await Zk.SetDataAsync(path, Utf8(next), current.Value.Version, cancellationToken);
                _log = (next, stat.Version);
                return;
            }
            catch (Exception e) when (e is BadVersionException or NoNodeException && attempt < 5)
            {
                _log = null; // written (or removed) by someone else: read it again
            }
        }
    }

    /// <summary>A clean stop begins: daemon state "shutdown" (the keepalive no longer writes "run").</summary>
    public Task MarkStoppingAsync(CancellationToken cancellationToken) => SetDaemonStateAsync(NodeDaemonState.Shutdown, cancellationToken);

    /// <summary>A clean stop ends: daemon state "stop" (nobody fences the node for its silence).</summary>
    public Task MarkStoppedAsync(CancellationToken cancellationToken) => SetDaemonStateAsync(NodeDaemonState.Stop, cancellationToken);

    // only the node's own service writes these two, at its own stop: no one else's write to lose
    private async Task SetDaemonStateAsync(NodeDaemonState state, CancellationToken cancellationToken) =>
        await Zk.SetDataAsync(P(NodeKeys.DaemonState), Utf8(Wire.DaemonState.Encode(state)), cancellationToken: cancellationToken);

    /// <summary>
    /// What the keepalive's log lines say beside the node's own figures (PVC's <c>log_keepalives</c> and
    /// <c>log_cluster_details</c>), in two round trips: the node's role, health and the OSD list, then each OSD's node.
    /// </summary>
    public async Task<NodeKeepaliveContext> ReadKeepaliveContextAsync(CancellationToken cancellationToken)
    {
        var batch = new ZnodeBatch(Zk).Data(P(NodeKeys.RouterState)).Data(P(NodeKeys.MonitoringHealth)).Data(BaseKeys.Maintenance).Children(BaseKeys.Osds);
        await batch.ReadAsync(cancellationToken);
        var osds = LockNodes.Without(batch.ChildrenOf(BaseKeys.Osds) ?? []).Where(ZnodeName.IsValid).ToList();
        foreach (var osd in osds)
            batch.Data(CephKeys.Osd.Path(osd, CephKeys.OsdNode));
        await batch.ReadAsync(cancellationToken);
        var role = batch.Text(P(NodeKeys.RouterState)) ?? "";
        return new NodeKeepaliveContext(Wire.CoordinatorState.Decode(role), role,
            batch.Text(BaseKeys.Maintenance) == PvcBool.EncodeLowercase(true),
            PvcNumber.DecodeInt(batch.Text(P(NodeKeys.MonitoringHealth))),
            osds.Count(o => batch.Text(CephKeys.Osd.Path(o, CephKeys.OsdNode)) == nodeName));
    }

    /// <summary>The node's domain state with its version; <paramref name="changed"/> (when given) is called on its next change.</summary>
    public async Task<NodeStateRead<NodeDomainState>> ReadDomainStateAsync(Action? changed, CancellationToken cancellationToken)
    {
        var read = await Zk.GetDataAsync(P(NodeKeys.DomainState), changed is null ? null : WatcherFor(changed), cancellationToken);
        return new(Wire.DomainState.Decode(Encoding.UTF8.GetString(read.Data)), read.Stat.Version);
    }

    /// <summary>
    /// A flush is done (nothing of the cluster runs here): "flushed", and the running list emptied, on condition that
    /// the domain state is still <paramref name="from"/>, the state the flush began on (checked by version in the same
    /// transaction). False when it is not (an unflush asked for meanwhile, say): nothing written. The same request
    /// written again (PVC's CLI does that) still counts as the one the flush carries out.
    /// </summary>
    public async Task<bool> MarkFlushedAsync(NodeDomainState from, CancellationToken cancellationToken)
    {
        var (state, version) = await ReadDomainStateAsync(null, cancellationToken);
        return state == from && await TryCommitAsync([Op.SetData(P(NodeKeys.RunningDomains), ""u8.ToArray()),
            Op.SetData(P(NodeKeys.DomainState), Utf8(Wire.DomainState.Encode(NodeDomainState.Flushed)), version)], cancellationToken);
    }

    /// <summary>An unflush is done: "ready", on condition that the domain state is still "unflush" (checked by version). False when it is not.</summary>
    public async Task<bool> MarkReadyAsync(CancellationToken cancellationToken)
    {
        var (state, version) = await ReadDomainStateAsync(null, cancellationToken);
        return state == NodeDomainState.Unflush
            && await TryCommitAsync([Op.SetData(P(NodeKeys.DomainState), Utf8(Wire.DomainState.Encode(NodeDomainState.Ready)), version)], cancellationToken);
    }

    /// <summary>The primary's duty: keeps <c>/config/migration_target_selector</c> as its configuration says (PVC's keepalive does this).</summary>
    public async Task EnsureMigrationTargetSelectorAsync(string selector, CancellationToken cancellationToken)
    {
        var current = await Zk.GetDataAsync(BaseKeys.MigrationTargetSelector, cancellationToken: cancellationToken);
        if (Encoding.UTF8.GetString(current.Data) != selector)
            await TryCommitAsync([Op.SetData(BaseKeys.MigrationTargetSelector, Utf8(selector), current.Stat.Version)], cancellationToken);
    }

    private async Task<bool> TryCommitAsync(IReadOnlyList<Op> ops, CancellationToken cancellationToken)
    {
        try
        {
            await Zk.MultiAsync(ops, cancellationToken);
            return true;
        }
        catch (BadVersionException)
        {
            return false;
        }
    }
}
