using Pvc.Core.Cluster;
using Pvc.Core.Errors;
using Pvc.Core.Faults;
using Pvc.Core.Fencing;
using Pvc.Core.Placement;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests.Placement;

/// <summary>
/// Placement rules in a real ZooKeeper: stored beside PVC's schema, and honoured by migrate without a target, the flush
/// plan and fence recovery; two decisions made from one picture cannot both break a keep-apart rule.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class PlacementRuleTests(ZooKeeperFixture zk)
{
    // PvcSeed's nodes: hv<i> has 20000 + i*1000 MiB free, so by memory the highest-numbered node wins

    [Fact]
    public async Task Rules_are_stored_beside_PVCs_schema_read_back_with_their_VMs_names_and_removed()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var a = await PvcSeed.AddVmAsync(c.Raw, "a", "hv1");
        await PvcSeed.AddVmAsync(c.Raw, "b", "hv2");
        var later = Guid.NewGuid();
        var placement = c.Connection.Placement;

        var created = await placement.CreateRuleAsync("ab-apart", PlacementRuleKind.KeepApart, hard: true, ["a", "b", later.ToString(), a.ToString()]);
        await placement.CreateRuleAsync("ab-together", PlacementRuleKind.KeepTogether, hard: false, ["b", "a"]);

        Assert.Equal(["a", "b", later.ToString()], created.VmNames);
        var rules = await placement.ReadRulesAsync();
        Assert.Equal(["ab-apart", "ab-together"], rules.All.Select(r => r.Name));
        var apart = rules.All[0];
        Assert.Equal((PlacementRuleKind.KeepApart, true, 3), (apart.Kind, apart.Hard, apart.Vms.Count));
        Assert.Equal(["a", "b", later.ToString()], apart.VmNames);
        Assert.Equal(2, rules.Of(a).Count);
        var report = await SchemaValidator.ValidateAsync(c.Connection);
        Assert.True(report.IsValid, string.Join("\n", report.Problems));

        Assert.Equal(PvcErrorIds.PlacementRuleExists, (await PvcAssert.ThrowsAsync(PvcErrorKind.AlreadyExists, () => placement.CreateRuleAsync("ab-apart", PlacementRuleKind.KeepApart, false, ["a", "b"]))).ErrorId);
        Assert.Equal(PvcErrorIds.PlacementRuleTooFewVms, (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => placement.CreateRuleAsync("solo", PlacementRuleKind.KeepApart, false, ["a", a.ToString()]))).ErrorId);
        Assert.Equal(PvcErrorIds.VmNotFound, (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => placement.CreateRuleAsync("ghost", PlacementRuleKind.KeepApart, false, ["a", "nosuchvm"]))).ErrorId);
        Assert.Equal(PvcErrorIds.InvalidPlacementRuleName, (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => placement.CreateRuleAsync("../config", PlacementRuleKind.KeepApart, false, ["a", "b"]))).ErrorId);

        Assert.Equal("ab-apart", (await placement.RemoveRuleAsync("ab-apart")).Name);
        Assert.Equal(PvcErrorIds.PlacementRuleNotFound, (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => placement.RemoveRuleAsync("ab-apart"))).ErrorId);
        Assert.Equal(["ab-together"], (await placement.ReadRulesAsync()).All.Select(r => r.Name));
    }

    [Fact]
    public async Task A_migration_without_a_target_keeps_apart_keeps_together_and_refuses_naming_the_hard_rule_it_cannot_meet()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        await PvcSeed.AddVmAsync(c.Raw, "a", "hv1");
        await PvcSeed.AddVmAsync(c.Raw, "b", "hv3");
        await PvcSeed.AddVmAsync(c.Raw, "pinned", "hv1", nodeLimit: "hv1,hv3");
        await PvcSeed.AddVmAsync(c.Raw, "friend", "hv2");
        await PvcSeed.AddVmAsync(c.Raw, "buddy", "hv1");
        await c.Connection.Placement.CreateRuleAsync("apart", PlacementRuleKind.KeepApart, hard: true, ["a", "b", "pinned"]);
        await c.Connection.Placement.CreateRuleAsync("together", PlacementRuleKind.KeepTogether, hard: false, ["buddy", "friend"]);

        // hv3 has the most memory, but b is there
        Assert.Equal("hv2", (await ops.MigrateAsync(await ops.ResolveAsync("a"), new MigrationRequest(MigrationKind.Migrate))).To);
        // hv3 again, but friend is on hv2
        Assert.Equal("hv2", (await ops.MigrateAsync(await ops.ResolveAsync("buddy"), new MigrationRequest(MigrationKind.Migrate))).To);
        // pinned may only go to hv3, where b is
        var pinned = await ops.ResolveAsync("pinned");
        var refused = await PvcAssert.ThrowsAsync(PvcErrorKind.ResourceUnavailable, () => ops.MigrateAsync(pinned, new MigrationRequest(MigrationKind.Migrate)));
        Assert.Equal(PvcErrorIds.PlacementRuleUnmet, refused.ErrorId);
        Assert.Contains("'apart'", refused.Message, StringComparison.Ordinal);
        Assert.Equal("hv1", await c.ReadAsync(PvcSeed.VmKey(pinned.Uuid, "/node")));
    }

    [Fact]
    public async Task Two_placements_decided_from_one_picture_cannot_both_commit_against_a_keep_apart_rule()
    {
        await using var c = await TestCluster.StartAsync(zk, nodes: 4);
        var ops = new VmOperations(c.Connection);
        await PvcSeed.AddVmAsync(c.Raw, "a", "hv1");
        await PvcSeed.AddVmAsync(c.Raw, "b", "hv2");
        await c.Connection.Placement.CreateRuleAsync("apart", PlacementRuleKind.KeepApart, hard: true, ["a", "b"]);
        var a = await ops.ResolveAsync("a");
        var b = await ops.ResolveAsync("b");

        // two flushes at once: each decides before the other commits, and both choose hv4
        var planA = await ops.PlanMigrationAsync(a, new MigrationRequest(MigrationKind.Migrate));
        var planB = await ops.PlanMigrationAsync(b, new MigrationRequest(MigrationKind.Migrate));
        Assert.Equal(("hv4", "hv4"), (planA.To, planB.To));
        await ops.MigrateAsync(planA);
        Assert.Equal(PvcErrorIds.PlanChangedMeanwhile, (await PvcAssert.ThrowsAsync(PvcErrorKind.WriteConflict, () => ops.MigrateAsync(planB))).ErrorId);
        Assert.Equal("hv2", await c.ReadAsync(PvcSeed.VmKey(b.Uuid, "/node")));

        // decided again, it sees a on hv4
        Assert.Equal("hv3", (await ops.MigrateAsync(b, new MigrationRequest(MigrationKind.Migrate))).To);
    }

    [Fact]
    public async Task The_flush_plan_spreads_a_keep_apart_pair_and_names_each_VMs_rules()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await PvcSeed.AddVmAsync(c.Raw, "a", "hv1");
        await PvcSeed.AddVmAsync(c.Raw, "b", "hv1");
        await PvcSeed.AddVmAsync(c.Raw, "free", "hv1");
        await c.Connection.Placement.CreateRuleAsync("apart", PlacementRuleKind.KeepApart, hard: false, ["a", "b"]);

        var plan = await c.Connection.Vms.PlanFlushAsync("hv1");

        var targets = plan.ToDictionary(e => e.Vm.Name, e => e.Target);
        Assert.NotEqual(targets["a"], targets["b"]);
        Assert.Contains("apart", Assert.Single(plan.Single(e => e.Vm.Name == "a").Rules), StringComparison.Ordinal);
        Assert.Empty(plan.Single(e => e.Vm.Name == "free").Rules);
    }

    [Fact]
    public async Task Fence_recovery_keeps_to_the_rules_where_it_can_and_otherwise_starts_the_VM_and_raises_a_fault()
    {
        await using var c = await TestCluster.StartAsync(zk, nodes: 4);
        await c.Raw.SetDataAsync("/nodes/hv4/daemonstate", "dead"u8.ToArray());
        var a = await PvcSeed.AddVmAsync(c.Raw, "a", "hv4");
        await PvcSeed.AddVmAsync(c.Raw, "b", "hv3");
        var pinned = await PvcSeed.AddVmAsync(c.Raw, "pinned", "hv4", nodeLimit: "hv1");
        await PvcSeed.AddVmAsync(c.Raw, "partner", "hv1");
        await c.Connection.Placement.CreateRuleAsync("ab", PlacementRuleKind.KeepApart, hard: true, ["a", "b"]);
        await c.Connection.Placement.CreateRuleAsync("pin-apart", PlacementRuleKind.KeepApart, hard: true, ["pinned", "partner"]);

        var result = await FencedNodeRecovery.RecoverAsync(c.Connection, "hv4", new FenceRecoveryOptions { Fenced = true });

        // hv3 has the most memory, but b is there
        Assert.Equal([("a", "hv2", 0), ("pinned", "hv1", 1)], result.Select(r => (r.Vm.Name, r.Target, r.BrokenRules.Count)));
        Assert.Equal(("start", "hv1"), (await c.ReadAsync($"/domains/{pinned}/state"), await c.ReadAsync($"/domains/{pinned}/node")));
        Assert.Equal("hv2", await c.ReadAsync($"/domains/{a}/node"));
        var fault = await c.Connection.Faults.GetAsync(FaultIds.PlacementRuleBroken("pin-apart"));
        Assert.Contains("pinned on hv1", fault.Message, StringComparison.Ordinal);
        Assert.Single(await c.Connection.Faults.ListAsync(), f => f.Id.StartsWith("PLACEMENT_RULE_BROKEN_", StringComparison.Ordinal));
    }
}
