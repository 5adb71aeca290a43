using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper.Recipes;

namespace Pvc.NodeService.Tests.Cluster;

/// <summary>
/// PVC's migration hand-shake on <c>/domains/&lt;uuid&gt;/migrate_sync_lock</c> between real node services (libvirt
/// test-driver hosts, so the VM moves by shutdown), observed from outside with the same kazoo-compatible lock.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class MigrationHandshakeTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_receiver_writes_the_key_the_sender_waits_on_its_lock_and_the_receiver_clears_it()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 2);
        var vm = await c.StartVmOnAsync("hs1", "hv1");
        var uuid = vm.Uuid;
        var key = DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock);
        Assert.Equal("", await c.ReadAsync(key));

        // a third contender holds the lock first: the receiver announces itself and then has to queue, so the
        // written key can be seen, and the sender must not move the VM while neither of them holds the lock
        await using (var outsider = new ZooKeeperLock(c.Connection.ZooKeeper, key, LockKind.Exclusive, "test"))
        {
            await outsider.AcquireAsync(Wait);
            await c.Vms.MigrateAsync(vm, new MigrationRequest(MigrationKind.Migrate, "hv2"));
            await c.WaitAsync(key, v => v == DomainKeys.Format(uuid), "the receiver's announcement");
            // the receiver's and the sender's lock nodes queue behind ours
            await c.WaitForContendersAsync(key, 3);
            Assert.Equal("migrate", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.State)));
            await c.WaitRunningOnAsync(uuid, "hv1");
        }

        Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
        await c.WaitRunningOnAsync(uuid, "hv2");
        await c.WaitAsync(key, v => v == "", "the receiver clearing the key");
        var now = await c.Connection.Vms.GetAsync(uuid);
        Assert.Equal(("hv2", "hv1"), (now.Node, now.LastNode));
        await c.WaitForContendersAsync(key, 0); // the receiver lets go of its lock right after its decision
        await c.WaitForLogAsync(c.Nodes[1], "Receiving VM hs1 from hv1");
        await c.WaitForLogAsync(c.Nodes[0], "Migrating VM hs1 to hv2 by shutdown");
    }

    [Fact]
    public async Task A_sender_whose_peer_never_answers_aborts_back_to_start_on_the_source_with_the_reason()
    {
        // a short peer timeout (PVC's is 30 s); the YAML line goes under node:
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 1, extraNodeConfig: "  migration_peer_timeout: 2");
        // a node that is run/ready in ZooKeeper but has no node service: nobody will receive
        await PvcSeed.AddNodeAsync(c.Connection.ZooKeeper, "hv9");
        var vm = await c.StartVmOnAsync("lonely", "hv1");
        var uuid = vm.Uuid;

        var started = DateTime.UtcNow;
        await c.Vms.MigrateAsync(vm, new MigrationRequest(MigrationKind.Migrate, "hv9"));
        Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
        var took = DateTime.UtcNow - started;
        var now = await c.Connection.Vms.GetAsync(uuid);
        Assert.Equal(("hv1", (string?)null), (now.Node, now.LastNode));
        Assert.InRange(took, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(30));
        await c.WaitRunningOnAsync(uuid, "hv1");
        await c.WaitForLogAsync(c.Nodes[0], "Aborted migration of VM lonely: Timed out waiting for peer");
        Assert.Equal("", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock)));
        // the sender lets go of every lock it took (just after its abort's write)
        foreach (var locked in new[] { DomainKeys.State, DomainKeys.Node, DomainKeys.MigrateSyncLock })
            await c.WaitForContendersAsync(DomainKeys.Path(uuid, locked), 0);
    }

    [Fact]
    public async Task A_receiver_whose_sender_never_lets_go_of_migrate_sync_lock_gives_up_in_time_and_withdraws()
    {
        // PVC's 30 s becomes 2 s (the YAML line goes under node:); vm_shutdown_timeout is the lab's 10 s
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 2, extraNodeConfig: "  migration_peer_timeout: 2");
        var vm = await c.StartVmOnAsync("stuck", "hv1");
        var uuid = vm.Uuid;
        var key = DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock);

        // a lock node that is never deleted, as a release lost to a connection loss left one for its session's life
        await using var leaked = new ZooKeeperLock(c.Connection.ZooKeeper, key, LockKind.Exclusive, "leaked");
        await leaked.AcquireAsync(Wait);
        await c.Vms.MigrateAsync(vm, new MigrationRequest(MigrationKind.Migrate, "hv2"));
        // the sender gives up on the peer and keeps the VM
        Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
        Assert.Equal("hv1", (await c.Connection.Vms.GetAsync(uuid)).Node);

        // the receiver must not wait for that lock for ever (its VM instance would act on nothing else): it gives up,
        // takes its lock node away and clears its announcement
        await c.WaitForContendersAsync(key, 1, exactly: true);
        await c.WaitAsync(key, v => v == "", "the receiver withdrawing its announcement");
        await c.WaitForLogAsync(c.Nodes[1], "migrate_sync_lock was kept from this receiver");
        await c.WaitRunningOnAsync(uuid, "hv1");
    }
}
