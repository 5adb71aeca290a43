using System.Collections.Concurrent;

namespace Pvc.NodeService.Fencing;

/// <summary>
/// The nodes this service powered off as their fencer and has not powered on yet, with the BMC it used. Kept by the
/// daemon across ZooKeeper sessions: a fencer whose session expired before it learnt whether the recovery was written
/// loses the fence lock with the session, and no fence monitor looks at a "fenced" node again, so the power-on is its
/// own to finish (<see cref="NodeFencer.FinishPowerOnsAsync"/>). Held in memory only: schema v15 has no key for a
/// power-on still owed, and one written there would let any reader of ZooKeeper name a BMC to power on.
/// </summary>
internal sealed class PendingPowerOns
{
    private readonly ConcurrentDictionary<string, BmcAddress> _nodes = new(StringComparer.Ordinal);

    /// <summary>Records that <paramref name="node"/> is off through <paramref name="bmc"/>, before its recovery is sent.</summary>
    public void Add(string node, BmcAddress bmc) => _nodes[node] = bmc;

    /// <summary>The power-on was made, or is no longer this service's to make.</summary>
    public void Remove(string node) => _nodes.TryRemove(node, out _);

    /// <summary>The nodes owed a power-on, and their BMCs.</summary>
    public IReadOnlyList<KeyValuePair<string, BmcAddress>> Snapshot() => [.. _nodes];
}
