using Pvc.Core.Cluster;
using Pvc.Core.Errors;
using Pvc.Core.Placement;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests.Placement;

/// <summary>
/// Drain strategies in a real ZooKeeper: stored beside PVC's schema (<c>/placement/drain/&lt;uuid&gt;</c>, PVC's schema
/// validation still passes), written with the VM's metadata in one transaction, shown by the flush plan, and removed
/// with the VM.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class DrainStrategyTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task A_strategy_is_stored_beside_PVCs_schema_shown_by_the_flush_plan_cleared_by_live_and_removed_with_its_VM()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = c.Connection.Vms;
        var moving = await c.AddVmAsync("moving", "hv1");
        var restarting = await c.AddVmAsync("restarting", "hv1");
        var stopping = await c.AddVmAsync("stopping", "hv1");

        // with other metadata, in the same transaction
        await ops.SetMetadataAsync(restarting, new VmMetadataChange { DrainStrategy = DrainStrategy.Restart, NodeLimit = ["hv2", "hv3"] });
        await ops.SetMetadataAsync(stopping, new VmMetadataChange { DrainStrategy = DrainStrategy.Stop });
        Assert.Equal("restart", await c.ReadAsync(PlacementRuleKeys.DrainOf(restarting.Uuid)));
        Assert.Equal("hv2,hv3", await c.ReadAsync($"/domains/{restarting.Uuid}/node_limit"));
        Assert.Equal("stop", await c.ReadAsync(PlacementRuleKeys.DrainOf(stopping.Uuid)));
        var report = await SchemaValidator.ValidateAsync(c.Connection);
        Assert.True(report.IsValid, string.Join("\n", report.Problems));

        var plan = (await ops.PlanFlushAsync("hv1")).OrderBy(e => e.Vm.Name, StringComparer.Ordinal).ToList();
        Assert.Equal([("moving", DrainStrategy.Live, true), ("restarting", DrainStrategy.Restart, true), ("stopping", DrainStrategy.Stop, false)],
            plan.Select(e => (e.Vm.Name, e.Strategy, e.Target is not null)));
        Assert.Null(plan[2].Reason);

        // live is the default: no record
        await ops.SetMetadataAsync(stopping, new VmMetadataChange { DrainStrategy = DrainStrategy.Live });
        Assert.Null(await c.Raw.ExistsAsync(PlacementRuleKeys.DrainOf(stopping.Uuid)));
        Assert.Equal(DrainStrategy.Live, (await c.Connection.Placement.ReadDrainStrategiesAsync([stopping.Uuid, moving.Uuid])).Values.Distinct().Single());

        // a refused change writes nothing, the strategy neither
        await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => ops.SetMetadataAsync(moving, new VmMetadataChange { DrainStrategy = DrainStrategy.Stop, NodeLimit = ["hv9"] }));
        Assert.Null(await c.Raw.ExistsAsync(PlacementRuleKeys.DrainOf(moving.Uuid)));

        // the method a flush imposed on its last migration (as the migration's transaction writes it) goes with it too
        if (await c.Raw.ExistsAsync(PlacementRuleKeys.Imposed) is null)
            await c.Raw.CreateAsync(PlacementRuleKeys.Imposed, ReadOnlyMemory<byte>.Empty);
        await c.Raw.CreateAsync(PlacementRuleKeys.ImposedOf(restarting.Uuid), System.Text.Encoding.UTF8.GetBytes("shutdown"));
        await ops.UndefineAsync(restarting);
        Assert.Null(await c.Raw.ExistsAsync(PlacementRuleKeys.DrainOf(restarting.Uuid)));
        Assert.Null(await c.Raw.ExistsAsync(PlacementRuleKeys.ImposedOf(restarting.Uuid)));
        Assert.True((await SchemaValidator.ValidateAsync(c.Connection)).IsValid);
    }

    [Theory]
    [InlineData(null, DrainStrategy.Live)]
    [InlineData("live", DrainStrategy.Live)]
    [InlineData("restart", DrainStrategy.Restart)]
    [InlineData("stop\n", DrainStrategy.Stop)]
    [InlineData("reboot", DrainStrategy.Live)]
    public void A_record_reads_as_its_strategy_and_anything_else_as_live(string? text, DrainStrategy expected) =>
        Assert.Equal(expected, DrainStrategies.Decode(text));
}
