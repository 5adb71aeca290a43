using System.Text;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;
using Pvc.ZooKeeper.Recipes;

namespace Pvc.NodeService.Tests.Cluster;

/// <summary>
/// Issue 13 (security): the sender put the VM's <c>node</c> key into the migration URI unchecked, so whoever can write
/// ZooKeeper could have a VM's memory sent to any host. Here the key is written straight into ZooKeeper, as such a
/// writer would, together with a fake receiver on migrate_sync_lock (the announcement and a lock contender that lets
/// the sender queue), so that only the sender's own check stands between the key and the URI. A migration goes only to
/// a registered node whose daemon state is run, under its name checked as a host name; anything else is aborted with
/// the reason logged, no URI is built, and the VM runs on where it was, its keys as before the request.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class MigrationTargetValidationTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("hv9", "the target node hv9 is not registered in the cluster")]
    [InlineData("hvstopped", "the target node hvstopped is stop, not run")]
    [InlineData("hvdead", "the target node hvdead is dead, not run")]
    [InlineData("hv2@evil:22/", "the target 'hv2@evil:22/' is not a node name")]
    [InlineData("hv2/../x", "the target 'hv2/../x' is not a node name")]
    [InlineData("hv2 x", "the target 'hv2 x' is not a node name")]
    public async Task A_migration_whose_target_is_not_a_registered_running_node_is_refused_and_the_VM_runs_on(string target, string reason)
    {
        // a live-migration URI configured (the test driver cannot migrate live, but the attempt, with its URI, is logged)
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 1, extraNodeConfig: "  migration_uri: \"test+tcp://{node}/default\"");
        var zkc = c.Connection.ZooKeeper;
        await PvcSeed.AddNodeAsync(zkc, "hv2");
        await PvcSeed.AddNodeAsync(zkc, "hvstopped", daemonState: "stop");
        await PvcSeed.AddNodeAsync(zkc, "hvdead", daemonState: "dead");
        var vm = await c.StartVmOnAsync("target", "hv1");
        var uuid = vm.Uuid;

        // the fake receiver: announced, holding the lock until the sender queues behind it (as a real one does)
        var key = DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock);
        await using var fake = new ZooKeeperLock(zkc, key, LockKind.Exclusive, "fake");
        await fake.AcquireAsync(Wait);
        await zkc.SetDataAsync(key, Encoding.UTF8.GetBytes(DomainKeys.Format(uuid)));
        using var done = new CancellationTokenSource();
        var letGo = LetGoOnceTheSenderQueuesAsync(c, key, fake, done.Token);

        await zkc.MultiAsync([Op.SetData(DomainKeys.Path(uuid, DomainKeys.State), "migrate"u8.ToArray()),
            Op.SetData(DomainKeys.Path(uuid, DomainKeys.Node), Encoding.UTF8.GetBytes(target))]);

        await c.WaitForLogAsync(c.Nodes[0], $"Aborted migration of VM target: {reason}");
        Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
        var now = await c.Connection.Vms.GetAsync(uuid);
        Assert.Equal(("hv1", (string?)null), (now.Node, now.LastNode));
        await c.WaitRunningOnAsync(uuid, "hv1");
        await done.CancelAsync();
        await letGo;
        // no URI was ever built from the key (before: "Migrating VM target live to hv2@evil:22/ (test+tcp://hv2@evil:22//default)")
        Assert.DoesNotContain("live to", File.ReadAllText(c.Nodes[0].LogPath), StringComparison.Ordinal);
    }

    /// <summary>Releases the fake receiver's lock once a second contender (the sender) queues, or when the test is done.</summary>
    private static async Task LetGoOnceTheSenderQueuesAsync(NodeServiceCluster c, string key, ZooKeeperLock fake, CancellationToken done)
    {
        try
        {
            while (true)
            {
                var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var children = await c.Connection.ZooKeeper.GetChildrenAsync(key, _ => changed.TrySetResult(), done);
                if (children.Children.Count(LockNodes.IsLockNode) >= 2)
                    break;
                await changed.Task.WaitAsync(done);
            }
        }
        catch (OperationCanceledException)
        {
        }
        await fake.ReleaseAsync();
    }
}
