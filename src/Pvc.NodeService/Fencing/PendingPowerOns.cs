using System.Collections.Concurrent;
using System.Diagnostics;

namespace Pvc.NodeService.Fencing;

/// <summary>
/// The nodes this service powered off as their fencer and has not powered on yet, with the BMC it used and when. Kept by
/// the daemon across ZooKeeper sessions: a fencer whose session expired before it learnt whether the recovery was
/// written loses the fence lock with the session, and no fence monitor looks at a "fenced" node again, so the power-on
/// is its own to finish (<see cref="NodeFencer.FinishPowerOnsAsync"/>), as is one the BMC refused. Held in memory
/// only: schema v15 has no key for a power-on still owed, and one written there would let any reader of ZooKeeper name
/// a BMC to power on.
/// </summary>
internal sealed class PendingPowerOns
{
    private readonly ConcurrentDictionary<string, Owed> _nodes = new(StringComparer.Ordinal);

    /// <summary>A power-on owed: the BMC, and when the node was powered off (a <see cref="Stopwatch"/> timestamp: monotonic).</summary>
    public sealed record Owed(BmcAddress Bmc, long Since)
    {
        /// <summary>How long the power-on has been owed.</summary>
        public TimeSpan Age => Stopwatch.GetElapsedTime(Since);
    }

    /// <summary>Records that <paramref name="node"/> is off through <paramref name="bmc"/>, before its recovery is sent.</summary>
    public void Add(string node, BmcAddress bmc) => _nodes[node] = new Owed(bmc, Stopwatch.GetTimestamp());

    /// <summary>The power-on was made, or is no longer this service's to make.</summary>
    public void Remove(string node) => _nodes.TryRemove(node, out _);

    /// <summary>The nodes owed a power-on.</summary>
    public IReadOnlyList<KeyValuePair<string, Owed>> Snapshot() => [.. _nodes];

    /// <summary>True when no power-on is owed.</summary>
    public bool IsEmpty => _nodes.IsEmpty;
}
