using Pvc.Core.Nodes;
using Pvc.Core.Placement;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Tests.Cluster;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Fencing;

/// <summary>
/// Review of 2026-12-03: the migration method a flush imposes on a VM (a VM whose drain strategy is restart goes by
/// shutdown, whatever its own method) lived only in the node service's memory, so a service restarted mid-flush sent
/// the VM by its own method (live). The nodes' hypervisors here are libvirtds of their own (the fencing lab's), so the
/// VM runs on while hv1's service is killed and started again; fencing is slow enough that nobody is fenced.
/// </summary>
[Collection(FencingCollection.Name)]
public sealed class DrainRestartTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_node_service_restarted_mid_flush_still_drains_a_restart_VM_by_shutdown()
    {
        await using var c = await NodeServiceCluster.StartWithBmcsAsync(await zk.NewChrootAsync("drain-restart"), 2, """
              intervals:
                fence_intervals: 600
            """);
        await c.WaitReadyAsync();
        var vm = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "drain-rs", memoryMiB: 256, vcpus: 1), TargetNode = "hv1" });
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(vm.Uuid, "hv1");
        // its own method is live only: a sender that forgets the flush's method aborts (no live migration is possible here)
        await c.Vms.SetMetadataAsync(vm, new VmMetadataChange { DrainStrategy = DrainStrategy.Restart, MigrationMethod = MigrationMethod.Live });

        // hv2 held still: hv1's flush asks for the migration, and hv1's sender waits for the receiver
        c.Nodes[1].Freeze();
        try
        {
            await c.NodeOps.FlushAsync("hv1");
            await c.WaitAsync(DomainKeys.Path(vm.Uuid, DomainKeys.State), s => s == "migrate", "the flush's migration request");
            await c.WaitForLogAsync(c.Nodes[0], "Migrating VM drain-rs to hv2: waiting for it on migrate_sync_lock");
            // hv1's service restarts mid-flush (its libvirtd, and the VM, run on)
            c.Nodes[0].Kill();
            c.Nodes[0].Start();
        }
        finally
        {
            c.Nodes[1].Thaw();
        }

        // before: the restarted service sent it by its own method, live only, and aborted: "Aborted migration of VM
        // drain-rs: Live migration failed and VM is forced to live migrate", the VM left running on hv1
        await c.WaitForLogAsync(c.Nodes[0], "Migrating VM drain-rs to hv2 by shutdown", "Aborted migration of VM drain-rs");
        Assert.DoesNotContain("Aborted migration of VM drain-rs", File.ReadAllText(c.Nodes[0].LogPath), StringComparison.Ordinal);
        await c.WaitRunningOnAsync(vm.Uuid, "hv2");
        Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
    }
}
