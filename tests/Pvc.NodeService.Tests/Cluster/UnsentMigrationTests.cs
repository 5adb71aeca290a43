using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Cluster;

/// <summary>
/// A migration that no node sends: what the nemesis found with seed 1302. A VM migrated before its node had started
/// it (or unmigrated away from a node that died before it sent, which leaves no last node naming it) has no sender;
/// PVC's receiver, and ours before, then logged "aborted or failed" and left the VM in "migrate" for good, with the
/// receiver waiting on migrate_sync_lock round after round and a flush or unflush waiting on the VM. The receiver now
/// starts it, on evidence that no other node runs it; and never while a node that may still run it is silent.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class UnsentMigrationTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_VM_migrated_before_its_node_started_it_is_started_by_its_receiver()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 2, extraNodeConfig: "  migration_peer_timeout: 2");
        var vm = await c.DefineVmAsync("unsent", "hv1");
        var uuid = vm.Uuid;

        // hv1 is held still while the start and the migration are written, so it never starts the VM, and on waking
        // finds a migration away of a VM it does not run (as a node that died before its start would)
        c.Nodes[0].Freeze();
        try
        {
            await c.Vms.StartAsync(vm);
            await c.Vms.MigrateAsync(vm, new MigrationRequest(MigrationKind.Migrate, "hv2"));
        }
        finally
        {
            c.Nodes[0].Thaw();
        }

        // before: still "migrate" after the whole wait, hv2 logging "Migration of VM unsent aborted or failed" each round
        Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
        await c.WaitRunningOnAsync(uuid, "hv2");
        Assert.Equal("hv2", (await c.Connection.Vms.GetAsync(uuid)).Node);
        await c.WaitAsync(DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock), v => v == "", "the receiver clearing its announcement");
        await c.WaitForContendersAsync(DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock), 0);
        await c.WaitForLogAsync(c.Nodes[1], "no sender came and no other node runs it; starting it here");
    }

    [Fact]
    public async Task A_receiver_does_not_start_a_VM_whose_hung_node_may_still_run_it()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 2, extraNodeConfig: "  migration_peer_timeout: 2");
        var vm = await c.StartVmOnAsync("hung", "hv1");
        var uuid = vm.Uuid;

        // the sender hangs with the VM running: no lock taken, but its last keepalive lists the VM, and it writes no more
        c.Nodes[0].Freeze();
        try
        {
            await c.Vms.MigrateAsync(vm, new MigrationRequest(MigrationKind.Migrate, "hv2"));
            // the receiver's round ends (2 s peer timeout) and it looks: hv1 may run the VM, so it is left alone
            await c.WaitForLogAsync(c.Nodes[1], "Migration of VM hung aborted or failed; its state is migrate, and it is left so");
            Assert.Equal("migrate", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.State)));
            Assert.DoesNotContain(DomainKeys.Format(uuid), PvcList.DecodeSpace(await c.ReadAsync(NodeKeys.Path("hv2", NodeKeys.RunningDomains))));
        }
        finally
        {
            c.Nodes[0].Thaw();
        }

        // awake, hv1 sends it (or aborts and keeps it): either way it runs once, where ZooKeeper says
        await c.Vms.WaitSettledAsync(vm, Wait);
        var now = await c.Connection.Vms.GetAsync(uuid);
        await c.WaitRunningOnAsync(uuid, now.Node!);
        Assert.DoesNotContain("no other node runs it", File.ReadAllText(c.Nodes[1].LogPath), StringComparison.Ordinal);
    }
}
