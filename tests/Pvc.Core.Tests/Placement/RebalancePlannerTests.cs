using Pvc.Core.Nodes;
using Pvc.Core.Placement;
using Pvc.Core.Schema;

namespace Pvc.Core.Tests.Placement;

/// <summary>The rebalance planner: it evens a skewed cluster out within the rules, and its plan, applied, leaves nothing to do.</summary>
public sealed class RebalancePlannerTests
{
    private static Node NodeOf(string name, NodeDomainState state = NodeDomainState.Ready) => new()
    {
        Name = name, DaemonState = NodeDaemonState.Run, DomainState = state, MemoryTotalMiB = 65536, CpuCount = 32,
    };

    private static List<RebalanceVm> Apply(IEnumerable<RebalanceVm> vms, RebalancePlan plan) =>
        [.. vms.Select(v => plan.Moves.FirstOrDefault(m => m.Vm == v.Uuid) is { } move ? v with { Node = move.To } : v)];

    [Fact]
    public void A_skewed_cluster_is_evened_out_within_the_rules_and_a_second_plan_proposes_nothing()
    {
        var nodes = new[] { NodeOf("hv1"), NodeOf("hv2"), NodeOf("hv3"), NodeOf("hv4", NodeDomainState.Flushed) };
        var vms = Enumerable.Range(0, 12).Select(i => new RebalanceVm(Guid.NewGuid(), $"vm{i:00}", "hv1", 4096, 2, i == 5 ? ["hv1"] : [])).ToList();
        var rules = new PlacementRules(
        [
            new PlacementRule("apart", PlacementRuleKind.KeepApart, true, [vms[0].Uuid, vms[1].Uuid, vms[2].Uuid]),
            new PlacementRule("together", PlacementRuleKind.KeepTogether, true, [vms[3].Uuid, vms[4].Uuid]),
        ]);

        var plan = RebalancePlanner.Plan(nodes, vms, rules);

        Assert.True(plan.ScoreAfter < plan.ScoreBefore);
        Assert.NotEmpty(plan.Moves);
        Assert.All(plan.Moves, m => Assert.True(m.Improvement > 0, m.ToString()));
        Assert.DoesNotContain(plan.Moves, m => m.To == "hv4" || m.VmName == "vm05");
        var after = Apply(vms, plan);
        // four VMs a node, the keep-apart three on three nodes, the keep-together two on one
        Assert.Equal([4, 4, 4], after.GroupBy(v => v.Node).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Count()));
        Assert.Equal(3, after.Take(3).Select(v => v.Node).Distinct().Count());
        Assert.Equal(after[3].Node, after[4].Node);

        var again = RebalancePlanner.Plan(nodes, after, rules);
        Assert.Empty(again.Moves);
        Assert.Equal(plan.ScoreAfter, again.ScoreBefore, 9);
    }

    [Fact]
    public void A_broken_hard_rule_is_mended_even_on_a_balanced_cluster()
    {
        var nodes = new[] { NodeOf("hv1"), NodeOf("hv2") };
        var vms = new List<RebalanceVm>
        {
            new(Guid.NewGuid(), "a", "hv1", 4096, 2, []),
            new(Guid.NewGuid(), "b", "hv1", 4096, 2, []),
            new(Guid.NewGuid(), "c", "hv2", 4096, 2, []),
            new(Guid.NewGuid(), "d", "hv2", 4096, 2, []),
        };
        var rules = new PlacementRules([new PlacementRule("ab", PlacementRuleKind.KeepApart, true, [vms[0].Uuid, vms[1].Uuid])]);

        var plan = RebalancePlanner.Plan(nodes, vms, rules);

        var after = Apply(vms, plan);
        Assert.NotEqual(after[0].Node, after[1].Node);
        Assert.Contains(plan.Moves, m => m.Rules.Count == 1 && m.Rules[0].StartsWith("ab ", StringComparison.Ordinal));
        Assert.Empty(RebalancePlanner.Plan(nodes, after, rules).Moves);
    }
}
