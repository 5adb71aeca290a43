using System.Text;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Nodes;

/// <summary>
/// The coordinator election as a node service takes part in it, for the coordinator <see cref="NodeName"/>: reading
/// <c>/config/primary_node</c>, claiming it under its kazoo-compatible lock, stepping down, and the transitions of
/// the node's own coordinator (router) state: secondary, takeover, primary, relinquish.
/// </summary>
public sealed class CoordinatorHostOperations(ClusterConnection cluster, string nodeName)
{
    private ZooKeeperClient Zk => cluster.ZooKeeper;

    /// <summary>The coordinator.</summary>
    public string NodeName => nodeName;

    private string RouterPath => NodeKeys.Path(nodeName, NodeKeys.RouterState);

    /// <summary>The primary named; <paramref name="changed"/> (when given) is called on the key's next change.</summary>
    public async Task<PrimaryRead> ReadPrimaryAsync(Action? changed, CancellationToken cancellationToken)
    {
        var read = await Zk.GetDataAsync(BaseKeys.PrimaryNode, changed is null ? null : _ => changed(), cancellationToken);
        var text = Encoding.UTF8.GetString(read.Data);
        return new(text is "" or "none" ? null : text, read.Stat.Version);
    }

    /// <summary>This node's coordinator state.</summary>
    public async Task<CoordinatorState> ReadRoleAsync(CancellationToken cancellationToken) =>
        Wire.CoordinatorState.Decode(Encoding.UTF8.GetString((await Zk.GetDataAsync(RouterPath, cancellationToken: cancellationToken)).Data));

    /// <summary>This node's daemon state (only a running node contends).</summary>
    public async Task<NodeDaemonState> ReadDaemonStateAsync(CancellationToken cancellationToken) =>
        Wire.DaemonState.Decode(Encoding.UTF8.GetString((await Zk.GetDataAsync(NodeKeys.Path(nodeName, NodeKeys.DaemonState), cancellationToken: cancellationToken)).Data));

    /// <summary>Another coordinator's role and daemon state; <paramref name="changed"/> is called on the next change of either.</summary>
    public async Task<CoordinatorPeer> ReadPeerAsync(string node, Action changed, CancellationToken cancellationToken)
    {
        var router = await ReadWatchedAsync(NodeKeys.Path(node, NodeKeys.RouterState), changed, cancellationToken);
        var daemon = await ReadWatchedAsync(NodeKeys.Path(node, NodeKeys.DaemonState), changed, cancellationToken);
        return new(node, Wire.CoordinatorState.Decode(router), Wire.DaemonState.Decode(daemon));
    }

    /// <summary>A znode's text with a watch on it; null for a node that is not (or no longer) registered.</summary>
    private async Task<string?> ReadWatchedAsync(string path, Action changed, CancellationToken cancellationToken)
    {
        try
        {
            return Encoding.UTF8.GetString((await Zk.GetDataAsync(path, _ => changed(), cancellationToken)).Data);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <summary>
    /// Contends for the primary role named "none" at <paramref name="version"/>: under the election lock (waiting up to
    /// <paramref name="lockWait"/>), writes this node's name on condition that the key is still at that version. True
    /// when this node won; false when another did or the lock was busy.
    /// </summary>
    public async Task<bool> ClaimPrimaryAsync(int version, TimeSpan lockWait, CancellationToken cancellationToken)
    {
        var electionLock = new ClusterLock(cluster, BaseKeys.PrimaryNode, nodeName);
        if (!await electionLock.TryAcquireAsync(lockWait, cancellationToken))
            return false;
        try
        {
            await Zk.SetDataAsync(BaseKeys.PrimaryNode, Encoding.UTF8.GetBytes(nodeName), version, cancellationToken);
            return true;
        }
        catch (BadVersionException)
        {
            return false; // another coordinator won
        }
        finally
        {
            await electionLock.ReleaseAsync();
        }
    }

    /// <summary>A primary stepping down at its stop: "none", when this node is still the one named (else nothing), so that another is elected.</summary>
    public async Task StepDownAsync(CancellationToken cancellationToken)
    {
        var primary = await Zk.GetDataAsync(BaseKeys.PrimaryNode, cancellationToken: cancellationToken);
        if (Encoding.UTF8.GetString(primary.Data) != nodeName)
            return;
        try
        {
            await Zk.SetDataAsync(BaseKeys.PrimaryNode, "none"u8.ToArray(), primary.Stat.Version, cancellationToken);
        }
        catch (BadVersionException)
        {
            // someone named another primary meanwhile: theirs stands
        }
    }

    // The router state is written by its own node's service alone (PVC's too), one transition at a time under the
    // election's turn-taking: there is no one else's write to check against.

    /// <summary>Named primary: "takeover" while the others stand down.</summary>
    public Task BeginTakeoverAsync(CancellationToken cancellationToken) => SetRoleAsync(CoordinatorState.Takeover, cancellationToken);

    /// <summary>The duties run: "primary".</summary>
    public Task CompleteTakeoverAsync(CancellationToken cancellationToken) => SetRoleAsync(CoordinatorState.Primary, cancellationToken);

    /// <summary>No longer named: "relinquish" while the duties stop.</summary>
    public Task BeginRelinquishAsync(CancellationToken cancellationToken) => SetRoleAsync(CoordinatorState.Relinquish, cancellationToken);

    /// <summary>Not primary: "secondary" (after a relinquish, an abandoned takeover, or at stop).</summary>
    public Task BecomeSecondaryAsync(CancellationToken cancellationToken) => SetRoleAsync(CoordinatorState.Secondary, cancellationToken);

    private async Task SetRoleAsync(CoordinatorState role, CancellationToken cancellationToken) =>
        await Zk.SetDataAsync(RouterPath, Encoding.UTF8.GetBytes(Wire.CoordinatorState.Encode(role)), cancellationToken: cancellationToken);
}
