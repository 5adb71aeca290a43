using Pvc.Core.Connection;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

/// <summary>
/// Whether a VM that migrates to this node, and whose sender never came, runs anywhere. A migration written for a VM
/// that no node runs (its node had not started it yet, or died before it sent, with the migration clearing or
/// keeping an older last node so that the fencer cannot tell it came from there) has no sender, and PVC's receiver,
/// like ours before, then leaves it in "migrate" for good. The receiver may start it itself only on evidence that no
/// other node runs it: no contender holds the VM's state or node lock (a sender holds both for its whole send), and
/// every other node is either fenced (its BMC confirmed it off) or runs and has written two keepalives since the
/// receive began without listing the VM (the second keepalive's listing of libvirt is taken after the first was
/// written, so after the migration was). A node in any other state (dead and not fenced, stopping, starting) may
/// still run it: then nothing is decided.
/// </summary>
public sealed class UnsentMigrationCheck
{
    private readonly ZooKeeperClient _zk;
    private readonly Guid _uuid;
    private readonly string _me;
    private readonly Dictionary<string, int> _keepalives;

    private UnsentMigrationCheck(ZooKeeperClient zk, Guid uuid, string me, Dictionary<string, int> keepalives)
    {
        _zk = zk;
        _uuid = uuid;
        _me = me;
        _keepalives = keepalives;
    }

    /// <summary>Notes every other node's keepalive version now (once the VM's state says it migrates here).</summary>
    public static async Task<UnsentMigrationCheck> BeginAsync(ClusterConnection cluster, Guid uuid, string me, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var zk = cluster.ZooKeeper;
        var (nodes, batch) = await ReadNodesAsync(zk, me, [], cancellationToken);
        var keepalives = nodes.Where(n => batch.StatOf(NodeKeys.Path(n, NodeKeys.Keepalive)) is not null)
            .ToDictionary(n => n, n => batch.StatOf(NodeKeys.Path(n, NodeKeys.Keepalive))!.Version, StringComparer.Ordinal);
        return new UnsentMigrationCheck(zk, uuid, me, keepalives);
    }

    /// <summary>Null when no other node can be running the VM; else why one may be.</summary>
    public async Task<string?> WhoMayRunItAsync(CancellationToken cancellationToken)
    {
        var locks = new[] { DomainKeys.Path(_uuid, DomainKeys.State), DomainKeys.Path(_uuid, DomainKeys.Node) };
        var (nodes, batch) = await ReadNodesAsync(_zk, _me, locks, cancellationToken);
        foreach (var path in locks)
        {
            if ((batch.ChildrenOf(path) ?? []).Any(LockNodes.IsLockNode))
                return $"a contender holds {path} (a sender)";
        }
        var uuid = DomainKeys.Format(_uuid);
        foreach (var node in nodes)
        {
            var text = batch.Text(NodeKeys.Path(node, NodeKeys.DaemonState));
            var state = text is null ? (NodeDaemonState?)null : Wire.DaemonState.Decode(text);
            if (state == NodeDaemonState.Fenced)
                continue;
            if (state != NodeDaemonState.Run)
                return $"node {node} is {text ?? "not registered"}";
            var keepalive = batch.StatOf(NodeKeys.Path(node, NodeKeys.Keepalive))?.Version;
            if (keepalive is null || !_keepalives.TryGetValue(node, out var before) || keepalive < before + 2)
                return $"node {node} has not written two keepalives since";
            if (PvcList.DecodeSpace(batch.Text(NodeKeys.Path(node, NodeKeys.RunningDomains))).Contains(uuid))
                return $"node {node} lists it running";
        }
        return null;
    }

    private static async Task<(List<string> Nodes, ZnodeBatch Batch)> ReadNodesAsync(ZooKeeperClient zk, string me, string[] lockedPaths, CancellationToken cancellationToken)
    {
        var nodes = LockNodes.Without((await zk.GetChildrenAsync(BaseKeys.Nodes, cancellationToken: cancellationToken)).Children).Where(n => n != me).ToList();
        var batch = new ZnodeBatch(zk);
        foreach (var node in nodes)
            batch.Data(NodeKeys.Path(node, NodeKeys.DaemonState)).Data(NodeKeys.Path(node, NodeKeys.Keepalive)).Data(NodeKeys.Path(node, NodeKeys.RunningDomains));
        foreach (var path in lockedPaths)
            batch.Children(path);
        await batch.ReadAsync(cancellationToken);
        return (nodes, batch);
    }
}
