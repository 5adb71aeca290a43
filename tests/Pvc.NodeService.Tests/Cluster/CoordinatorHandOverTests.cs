using Pvc.Core.Schema;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Cluster;

/// <summary>The primary coordinator role handed over between real node services, as Set-PvcNode asks for it.</summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class CoordinatorHandOverTests(ZooKeeperFixture zk)
{
    private static readonly string[] Names = ["hv1", "hv2", "hv3"];

    [Fact]
    public async Task A_secondary_made_primary_takes_over_after_the_old_primary_relinquished_and_a_step_down_elects_another()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk);
        var old = await c.WaitAsync(BaseKeys.PrimaryNode, p => Names.Contains(p), "a primary");
        await c.WaitAsync(Router(old), s => s == "primary", $"{old} primary");
        await using var watcher = await RouterStateWatcher.StartAsync(c.Connection.ZooKeeper, Names);

        // "pvc node primary <secondary>"
        var next = Names.First(n => n != old);
        var versions = await VersionsAsync(c);
        await c.NodeOps.SetPrimaryAsync(next);
        await c.WaitAsync(Router(next), s => s == "primary", $"{next} primary");
        await c.WaitAsync(Router(old), s => s == "secondary", $"{old} secondary");
        Assert.Equal(next, await c.ReadAsync(BaseKeys.PrimaryNode));
        await AssertHandedOverAsync(c, watcher, versions, old, next);

        // "pvc node secondary <primary>": another coordinator is elected, not the one stepping down
        versions = await VersionsAsync(c);
        await c.NodeOps.SetSecondaryAsync(next);
        var third = await c.WaitAsync(BaseKeys.PrimaryNode, p => Names.Contains(p) && p != next, "a new primary");
        await c.WaitAsync(Router(third), s => s == "primary", $"{third} primary");
        await c.WaitAsync(Router(next), s => s == "secondary", $"{next} secondary");
        await AssertHandedOverAsync(c, watcher, versions, next, third);
        // and it stays that way (the node that stepped down does not take the role back)
        Assert.Equal(third, await c.ReadAsync(BaseKeys.PrimaryNode));
        Assert.Equal("secondary", await c.ReadAsync(Router(next)));
    }

    private static string Router(string node) => NodeKeys.Path(node, NodeKeys.RouterState);

    private static async Task<Dictionary<string, int>> VersionsAsync(NodeServiceCluster c)
    {
        var versions = new Dictionary<string, int>();
        foreach (var node in Names)
            versions[node] = (await c.Connection.ZooKeeper.GetDataAsync(Router(node))).Stat.Version;
        return versions;
    }

    private static async Task AssertHandedOverAsync(NodeServiceCluster c, RouterStateWatcher watcher, Dictionary<string, int> before, string from, string to)
    {
        // exact, from the server's own transaction ids: the old primary's last write (secondary) came before the new
        // primary's write of "primary", so no moment of the tree had both primary
        var fromStat = (await c.Connection.ZooKeeper.GetDataAsync(Router(from))).Stat;
        var toStat = (await c.Connection.ZooKeeper.GetDataAsync(Router(to))).Stat;
        Assert.True(fromStat.ModifiedZxid < toStat.ModifiedZxid,
            $"{to} wrote primary (zxid {toStat.ModifiedZxid:x}) before {from} had relinquished (secondary at zxid {fromStat.ModifiedZxid:x})\n{c.Logs()}");

        // each wrote its two transitions (relinquish, secondary; takeover, primary), and the third node nothing
        Assert.Equal(before[from] + 2, fromStat.Version);
        Assert.Equal(before[to] + 2, toStat.Version);
        foreach (var other in Names.Where(n => n != from && n != to))
            Assert.Equal(before[other], (await c.Connection.ZooKeeper.GetDataAsync(Router(other))).Stat.Version);

        // and as a watcher saw it: never two primaries, and each node through PVC's transitions in order (a watcher
        // may miss a state that lasted less than its re-read)
        Assert.DoesNotContain(watcher.Snapshots, s => s.States.Values.Count(v => v == "primary") > 1);
        AssertInOrder(["primary", "relinquish", "secondary"], Tail(watcher.StatesOf(from), "primary"));
        AssertInOrder(["secondary", "takeover", "primary"], Tail(watcher.StatesOf(to), "secondary"));
    }

    /// <summary>The states from the last time the node was in <paramref name="start"/> on.</summary>
    private static List<string> Tail(List<string> states, string start) =>
        states.LastIndexOf(start) is var i and >= 0 ? states[i..] : states;

    /// <summary>The states seen start and end as expected, and those between are expected ones, in order.</summary>
    private static void AssertInOrder(string[] expected, List<string> seen)
    {
        Assert.Equal(expected[0], seen[0]);
        Assert.Equal(expected[^1], seen[^1]);
        var at = 0;
        foreach (var state in seen)
        {
            while (at < expected.Length && expected[at] != state)
                at++;
            Assert.True(at < expected.Length, $"states seen: {string.Join(" -> ", seen)}; expected in the order {string.Join(" -> ", expected)}");
        }
    }
}
