using System.Globalization;
using System.Runtime.CompilerServices;
using Pvc.Core.Connection;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Networks;

/// <summary>
/// The network reads of a node service: the networks it must build on its host, with watches so that it hears of the
/// next change (a network added or removed, its type or MTU changed) and builds again.
/// </summary>
public sealed class NetworkHostOperations(ClusterConnection cluster)
{
    // one watcher per caller's callback: the client keeps one registration per watcher, however often it is re-armed
    private readonly ConditionalWeakTable<Action, Watcher> _watchers = new();

    private Watcher WatcherFor(Action changed) => _watchers.GetValue(changed, c => _ => c());

    /// <summary>
    /// Every network, sorted by VNI; <paramref name="changed"/> is called on the next change of the list or of a
    /// network's description, type or MTU (the watches are armed before the read, so no change after it is missed).
    /// </summary>
    public async Task<IReadOnlyList<Network>> ListAsync(Action changed, CancellationToken cancellationToken)
    {
        var zk = cluster.ZooKeeper;
        var watcher = WatcherFor(changed);
        var children = await zk.GetChildrenAsync(BaseKeys.Networks, watcher, cancellationToken);
        var vnis = LockNodes.Without(children.Children)
            .Select(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null).OfType<int>().ToList();
        await Task.WhenAll(vnis.SelectMany(vni => new[] { NetworkKeys.Type, NetworkKeys.Mtu }.Select(key => zk.ExistsAsync(NetworkKeys.Path(vni, key), watcher, cancellationToken))));
        return await new NetworkReader(cluster).ListAsync((string?)null, cancellationToken);
    }
}
