using System.Text;
using Pvc.Core.Schema;
using Pvc.Testing.Network;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Fencing;

/// <summary>
/// <c>/config/fence_lock</c> (issue 13): each coordinator's fence monitor queues on it with a lock of its own, made anew
/// after every failed try. A coordinator whose waits are broken by connection losses must not leave a contender behind
/// per try (a leaked one, held by a session that lives on, would queue ahead of the others for good), and when the
/// holder hangs, its lock node goes with its session and the next coordinator fences it, the node that held the lock.
/// </summary>
[Collection(FencingCollection.Name)]
public sealed class FenceLockTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task Broken_waits_leave_one_contender_per_coordinator_and_a_hung_holder_is_fenced_by_the_next()
    {
        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        var chroot = await zk.NewChrootAsync("fencelock");
        // a death threshold well above the cuts, so that a loaded machine's late keepalive does not get hv3 fenced
        await using var lab = await HaLab.StartAsync(chroot, Patient, zookeeperFor: node => node == "hv3" ? proxy.Endpoint + chroot[chroot.IndexOf('/', StringComparison.Ordinal)..] : chroot);
        await WaitForContendersAsync(lab, ["hv1", "hv2", "hv3"]);

        // hv3 loses ZooKeeper five times, each time for less than its session timeout (4 s) and its death threshold (8
        // intervals): whatever it was doing on the lock, waiting or holding, is broken and taken up again
        for (var i = 0; i < 5; i++)
        {
            proxy.Cut();
            await Task.Delay(TimeSpan.FromSeconds(1.5)); // the length of an outage, not a wait for a state
            proxy.Restore();
            await lab.Cluster.WaitAsync(NodeKeys.Path("hv3", NodeKeys.DaemonState), s => s == "run", "hv3 running");
        }
        await lab.WaitKeepalivesAsync(2);
        await WaitForContendersAsync(lab, ["hv1", "hv2", "hv3"]);

        // the holder hangs: its session expires, its lock node goes, and the next in line fences it
        var holder = await HolderAsync(lab);
        var index = lab.Index(holder);
        lab.Cluster.Nodes[index].ExpectDown();
        lab.Cluster.Nodes[index].Freeze();
        await lab.Cluster.WaitAsync(NodeKeys.Path(holder, NodeKeys.DaemonState), s => s == "fenced", $"{holder}, which held the fence lock, fenced");
        await lab.WaitAllRunningAsync($"{holder}'s VMs running elsewhere", node => node != holder);
        Assert.Contains("set power 0", lab.PowerRequests(holder));
        await WaitForContendersAsync(lab, [.. new[] { "hv1", "hv2", "hv3" }.Where(n => n != holder)]);
        lab.Invariant.AssertHeld();
    }

    private const string Patient = """
          intervals:
            fence_intervals: 8
            saving_throws: 2
        """;

    /// <summary>The node whose contender has the lowest sequence number (the holder, kazoo's rule).</summary>
    private static async Task<string> HolderAsync(HaLab lab)
    {
        var zkc = lab.Cluster.Connection.ZooKeeper;
        var first = (await zkc.GetChildrenAsync(BaseKeys.FenceLock)).Children.Where(LockNodes.IsLockNode)
            .MinBy(c => c[(c.LastIndexOf("__", StringComparison.Ordinal) + 2)..], StringComparer.Ordinal)!;
        return Encoding.UTF8.GetString((await zkc.GetDataAsync($"{BaseKeys.FenceLock}/{first}")).Data);
    }

    /// <summary>Waits on a children watch until the contenders are exactly one for each of <paramref name="nodes"/>.</summary>
    private static async Task WaitForContendersAsync(HaLab lab, IReadOnlyList<string> nodes)
    {
        var zkc = lab.Cluster.Connection.ZooKeeper;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<string>();
        while (true)
        {
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var children = (await zkc.GetChildrenAsync(BaseKeys.FenceLock, _ => changed.TrySetResult(), deadline.Token)).Children.Where(LockNodes.IsLockNode).ToList();
            seen.Clear();
            foreach (var child in children)
            {
                try
                {
                    seen.Add(Encoding.UTF8.GetString((await zkc.GetDataAsync($"{BaseKeys.FenceLock}/{child}", cancellationToken: deadline.Token)).Data));
                }
                catch (Pvc.ZooKeeper.NoNodeException)
                {
                    // gone while listed: the watch has fired
                }
            }
            if (seen.Order(StringComparer.Ordinal).SequenceEqual(nodes.Order(StringComparer.Ordinal)))
                return;
            try
            {
                await changed.Task.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the fence lock's contenders are [{string.Join(", ", seen)}], not one each of [{string.Join(", ", nodes)}]\n{lab.Cluster.Logs()}");
            }
        }
    }
}
