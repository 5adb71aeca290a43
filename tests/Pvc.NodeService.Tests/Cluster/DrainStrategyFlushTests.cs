using Pvc.Core.Nodes;
using Pvc.Core.Placement;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Cluster;

/// <summary>
/// Drain strategies carried out by a real flush (node services on libvirt test-driver hosts, a real ZooKeeper): a live
/// VM is migrated as PVC's flush does (live first: a live-migration URI is configured, the test driver cannot migrate
/// live, so after the attempt it goes by shutdown, as PVC's default method does), a restart VM is shut down and started
/// on its target without any live attempt, and a stop VM is shut down and stays on its node, stopped with autostart,
/// until the node's unflush starts it again (the choice documented on Set-PvcVm: the drain is a maintenance, and
/// a VM meant to stay off for good is stopped with Stop-PvcVm).
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class DrainStrategyFlushTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_flush_migrates_a_live_VM_restarts_a_restart_VM_on_its_target_and_stops_a_stop_VM_which_the_ready_starts_again()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 2, extraNodeConfig: "  migration_uri: \"test+tcp://{node}/default\"");
        var live = await c.StartVmOnAsync("drain-live", "hv1");
        var restart = await c.StartVmOnAsync("drain-restart", "hv1");
        var stop = await c.StartVmOnAsync("drain-stop", "hv1");
        await c.Vms.SetMetadataAsync(restart, new VmMetadataChange { DrainStrategy = DrainStrategy.Restart });
        await c.Vms.SetMetadataAsync(stop, new VmMetadataChange { DrainStrategy = DrainStrategy.Stop });
        var plan = await c.Vms.PlanFlushAsync("hv1");
        Assert.Equal([("drain-live", DrainStrategy.Live, "hv2"), ("drain-restart", DrainStrategy.Restart, "hv2"), ("drain-stop", DrainStrategy.Stop, null)],
            plan.OrderBy(e => e.Vm.Name, StringComparer.Ordinal).Select(e => (e.Vm.Name, e.Strategy, e.Target)));

        await c.NodeOps.FlushAsync("hv1");
        await c.NodeOps.WaitForDomainStateAsync("hv1", [NodeDomainState.Flushed], Wait);
        await c.WaitRunningOnAsync(live.Uuid, "hv2");
        await c.WaitRunningOnAsync(restart.Uuid, "hv2");
        await c.WaitNotRunningAsync(stop.Uuid);
        var moved = await c.Connection.Vms.GetAsync(restart.Uuid);
        Assert.Equal((VmState.Start, "hv2", "hv1"), (moved.State, moved.Node, moved.LastNode));
        var parked = await c.Connection.Vms.GetAsync(stop.Uuid);
        Assert.Equal((VmState.Stop, true, "hv1", (string?)null), (parked.State, parked.Autostart, parked.Node, parked.LastNode));
        await c.WaitForLogAsync(c.Nodes[0], "VM drain-stop drains by stopping");
        var log = File.ReadAllText(c.Nodes[0].LogPath);
        Assert.Contains("Migrating VM drain-live live to hv2", log, StringComparison.Ordinal);
        Assert.Contains("VM drain-restart drains by restart", log, StringComparison.Ordinal);
        Assert.Contains("Migrating VM drain-restart to hv2 by shutdown", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Migrating VM drain-restart live", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Migrating VM drain-stop", log, StringComparison.Ordinal);

        await c.NodeOps.ReadyAsync("hv1");
        await c.NodeOps.WaitForDomainStateAsync("hv1", [NodeDomainState.Ready], Wait);
        foreach (var vm in new[] { live, restart, stop })
        {
            Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
            await c.WaitRunningOnAsync(vm.Uuid, "hv1");
        }
        Assert.False((await c.Connection.Vms.GetAsync(stop.Uuid)).Autostart);
    }

    /// <summary>
    /// The ready's autostart honours the rules as every placement does: of two VMs stopped with autostart on the node,
    /// kept apart by a hard rule, one starts and the other stays stopped with its autostart (as a flush leaves a VM
    /// no node may take), the rule named in the log.
    /// </summary>
    [Fact]
    public async Task A_ready_does_not_autostart_a_VM_beside_its_hard_keep_apart_partner()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 2);
        var first = await c.StartVmOnAsync("apart-a", "hv1");
        var second = await c.StartVmOnAsync("apart-b", "hv1");
        foreach (var vm in new[] { first, second })
            await c.Vms.SetMetadataAsync(vm, new VmMetadataChange { DrainStrategy = DrainStrategy.Stop });
        await c.NodeOps.FlushAsync("hv1");
        await c.NodeOps.WaitForDomainStateAsync("hv1", [NodeDomainState.Flushed], Wait);
        await c.Connection.Placement.CreateRuleAsync("ab-apart", PlacementRuleKind.KeepApart, hard: true, ["apart-a", "apart-b"]);

        await c.NodeOps.ReadyAsync("hv1");
        await c.NodeOps.WaitForDomainStateAsync("hv1", [NodeDomainState.Ready], Wait);

        var vms = new[] { await c.Connection.Vms.GetAsync(first.Uuid), await c.Connection.Vms.GetAsync(second.Uuid) };
        var started = Assert.Single(vms, v => v.State == VmState.Start);
        var kept = Assert.Single(vms, v => v.State != VmState.Start);
        await c.WaitRunningOnAsync(started.Uuid, "hv1");
        Assert.Equal((VmState.Stop, true, "hv1"), (kept.State, kept.Autostart, kept.Node));
        await c.WaitForLogAsync(c.Nodes[0], $"VM {kept.Name} is not started here at ready: the hard rule ab-apart");
    }
}
