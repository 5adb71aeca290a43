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

    /// <summary>
    /// The planner keeps each VM's best move between steps; its plans must be move for move those of a full scan of
    /// every VM and target at each step (the planner before that cache), on random clusters with rules, node limits,
    /// a node that takes nothing and nodes that fill up.
    /// </summary>
    [Fact]
    public void The_plan_is_the_one_a_full_scan_per_step_finds_on_random_clusters()
    {
        var moves = 0;
        for (var seed = 1; seed <= 60; seed++)
        {
            var random = new Random(seed);
            var nodes = Enumerable.Range(1, random.Next(2, 7)).Select(i => NodeOf($"hv{i}", i == 3 && seed % 3 == 0 ? NodeDomainState.Flushed : NodeDomainState.Ready) with
            {
                MemoryTotalMiB = 1024L * random.Next(8, 40), CpuCount = random.Next(4, 17),
            }).ToList();
            var vms = Enumerable.Range(0, random.Next(5, 40)).Select(i => new RebalanceVm(Guid.NewGuid(), $"vm{i:00}",
                nodes[random.Next(0, Math.Min(2, nodes.Count))].Name, 1024L * random.Next(1, 5), random.Next(1, 5),
                random.Next(8) == 0 ? [nodes[random.Next(nodes.Count)].Name, nodes[random.Next(nodes.Count)].Name] : [])).ToList();
            var rules = new PlacementRules(Enumerable.Range(0, random.Next(0, 6)).Select(r => new PlacementRule($"r{r}",
                random.Next(2) == 0 ? PlacementRuleKind.KeepApart : PlacementRuleKind.KeepTogether, random.Next(2) == 0,
                [.. Enumerable.Range(0, random.Next(2, 5)).Select(_ => vms[random.Next(vms.Count)].Uuid).Distinct()])).Where(r => r.Vms.Count >= 2));

            var plan = RebalancePlanner.Plan(nodes, vms, rules);
            var reference = FullScanPlan(nodes, vms, rules, 200);

            Assert.Equal(reference.ScoreBefore, plan.ScoreBefore);
            Assert.Equal(reference.ScoreAfter, plan.ScoreAfter);
            Assert.Equal(reference.Moves.Select(m => (m.Vm, m.From, m.To, m.Improvement, m.ScoreAfter)), plan.Moves.Select(m => (m.Vm, m.From, m.To, m.Improvement, m.ScoreAfter)));
            moves += plan.Moves.Count;
        }
        // the clusters are skewed enough to have plans worth comparing
        Assert.True(moves > 200, $"{moves} moves in all");
    }

    /// <summary>The planner without its cache: at each step every VM against every target.</summary>
    private static RebalancePlan FullScanPlan(IEnumerable<Node> nodes, IEnumerable<RebalanceVm> vms, PlacementRules rules, int maxMoves)
    {
        var all = nodes.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var index = all.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var memCap = all.Select(n => (double)Math.Max(1, n.MemoryTotalMiB)).ToArray();
        var cpuCap = all.Select(n => (double)Math.Max(1, n.CpuCount ?? 1)).ToArray();
        var target = all.Select(n => n.IsAvailable && n.MemoryTotalMiB > 0).ToArray();
        var mem = new double[all.Count];
        var cpu = new double[all.Count];
        var list = vms.Where(v => index.ContainsKey(v.Node)).OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
        var at = new int[list.Count];
        for (var k = 0; k < list.Count; k++)
        {
            at[k] = index[list[k].Node];
            mem[at[k]] += list[k].MemoryMiB;
            cpu[at[k]] += list[k].Vcpus;
        }
        var allowed = list.Select(v => Enumerable.Range(0, all.Count).Where(i => target[i] && (v.NodeLimit.Count == 0 || v.NodeLimit.Contains(all[i].Name))).ToArray()).ToArray();
        var occupancy = rules.Occupy(list.ToDictionary(v => v.Uuid, v => v.Node));
        static double Sq(double x) => x * x;
        var score = Enumerable.Range(0, all.Count).Sum(i => Sq(mem[i] / memCap[i]) + Sq(cpu[i] / cpuCap[i]))
            + (occupancy.Breaks(hard: false) * RebalancePlanner.SoftWeight) + (occupancy.Breaks(hard: true) * RebalancePlanner.HardWeight);
        var before = score;
        var origin = list.Select(v => v.Node).ToArray();
        var order = new List<int>();
        var gains = new Dictionary<int, double>();
        for (var step = 0; step < maxMoves; step++)
        {
            var (bestVm, bestTo, bestDelta) = (-1, -1, -RebalancePlanner.MinImprovement);
            for (var k = 0; k < list.Count; k++)
            {
                var v = list[k];
                var a = at[k];
                var (m, c) = (v.MemoryMiB, v.Vcpus);
                var leave = Sq((mem[a] - m) / memCap[a]) - Sq(mem[a] / memCap[a]) + Sq((cpu[a] - c) / cpuCap[a]) - Sq(cpu[a] / cpuCap[a]);
                foreach (var b in allowed[k])
                {
                    if (b == a || mem[b] + m > memCap[b])
                        continue;
                    var delta = leave + Sq((mem[b] + m) / memCap[b]) - Sq(mem[b] / memCap[b]) + Sq((cpu[b] + c) / cpuCap[b]) - Sq(cpu[b] / cpuCap[b]);
                    if (rules.Of(v.Uuid).Count > 0)
                    {
                        if (occupancy.Judge(v.Uuid, all[b].Name).HardRule is not null)
                            continue;
                        delta += occupancy.MoveCost(v.Uuid, all[b].Name, RebalancePlanner.SoftWeight, RebalancePlanner.HardWeight);
                    }
                    if (delta < bestDelta)
                        (bestVm, bestTo, bestDelta) = (k, b, delta);
                }
            }
            if (bestVm < 0)
                break;
            var moved = list[bestVm];
            mem[at[bestVm]] -= moved.MemoryMiB;
            cpu[at[bestVm]] -= moved.Vcpus;
            mem[bestTo] += moved.MemoryMiB;
            cpu[bestTo] += moved.Vcpus;
            at[bestVm] = bestTo;
            occupancy.Move(moved.Uuid, all[bestTo].Name);
            score += bestDelta;
            if (!gains.ContainsKey(bestVm))
                order.Add(bestVm);
            gains[bestVm] = gains.GetValueOrDefault(bestVm) - bestDelta;
        }
        var moves = new List<PlacementMove>();
        var running = before;
        foreach (var k in order.Where(k => all[at[k]].Name != origin[k]))
        {
            running -= gains[k];
            moves.Add(new PlacementMove(list[k].Uuid, list[k].Name, origin[k], all[at[k]].Name, gains[k], running));
        }
        return new RebalancePlan(moves, before, score);
    }
}
