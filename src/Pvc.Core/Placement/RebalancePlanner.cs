using Pvc.Core.Nodes;

namespace Pvc.Core.Placement;

/// <summary>
/// Plans moves that even out memory and vCPUs across the run/ready nodes within the placement rules (the idea of
/// vSphere DRS's recommendations and Ganeti's hbal), by steepest descent on one score:
/// Σ over nodes of (memory of its VMs / its memory)² + (vCPUs of its VMs / its CPUs)², plus
/// <see cref="SoftWeight"/> per soft rule break and <see cref="HardWeight"/> per hard one. Squares make the sum
/// smallest when the shares are even. Each step takes the single move that lowers the score most, if by more than
/// <see cref="MinImprovement"/>; a move never breaks a hard rule, never goes outside the VM's node limit and never
/// overfills a node's memory. The score of a move is its delta, worked out from the two nodes and the VM's rules
/// alone, so a step costs VMs x nodes small sums, not a re-score of the cluster per candidate. Node load (cpuload)
/// cannot be charged to single VMs and is not part of the score.
/// </summary>
/// <remarks>
/// A plan ends when no move improves enough (or at <c>maxMoves</c>); applied, it leaves a cluster whose own plan is
/// empty, as each step's delta is exact. A VM moved twice in the search appears once, from where it is to where it
/// ends (not at all when it ends where it was).
/// </remarks>
public static class RebalancePlanner
{
    /// <summary>The weight of one soft rule broken (as much as a node going from 0 to 70% full).</summary>
    public const double SoftWeight = 0.5;

    /// <summary>The weight of one hard rule broken.</summary>
    public const double HardWeight = 5;

    /// <summary>The least a move must lower the score by to be worth a migration.</summary>
    public const double MinImprovement = 0.002;

    /// <summary>Plans the moves.</summary>
    public static RebalancePlan Plan(IEnumerable<Node> nodes, IEnumerable<RebalanceVm> vms, PlacementRules rules, int maxMoves = 200)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(vms);
        ArgumentNullException.ThrowIfNull(rules);
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
        // which nodes each VM may go to: its limit, among run/ready nodes
        var allowed = list.Select(v => Enumerable.Range(0, all.Count).Where(i => target[i] && (v.NodeLimit.Count == 0 || v.NodeLimit.Contains(all[i].Name))).ToArray()).ToArray();
        var occupancy = rules.Occupy(list.ToDictionary(v => v.Uuid, v => v.Node));
        double Sq(double x) => x * x;
        var maxMemCap2 = Sq(memCap.DefaultIfEmpty(1).Max());
        var maxCpuCap2 = Sq(cpuCap.DefaultIfEmpty(1).Max());
        var score = Enumerable.Range(0, all.Count).Sum(i => Sq(mem[i] / memCap[i]) + Sq(cpu[i] / cpuCap[i]))
            + (occupancy.Breaks(hard: false) * SoftWeight) + (occupancy.Breaks(hard: true) * HardWeight);
        var before = score;
        var origin = list.Select(v => v.Node).ToArray();
        var order = new List<int>();
        var gains = new Dictionary<int, double>();
        for (var step = 0; step < maxMoves; step++)
        {
            var (bestVm, bestTo, bestDelta) = (-1, -1, -MinImprovement);
            // a bound on what arriving anywhere costs a VM: each term at its smallest over the targets, so a VM whose
            // leaving gains less than that bound can beat nothing and its targets need not be looked at
            var (minMem, minCpu) = (double.MaxValue, double.MaxValue);
            for (var i = 0; i < all.Count; i++)
            {
                if (!target[i])
                    continue;
                minMem = Math.Min(minMem, mem[i] / (memCap[i] * memCap[i]));
                minCpu = Math.Min(minCpu, cpu[i] / (cpuCap[i] * cpuCap[i]));
            }
            for (var k = 0; k < list.Count; k++)
            {
                var v = list[k];
                var a = at[k];
                var (m, c) = (v.MemoryMiB, v.Vcpus);
                // leaving a: its terms fall
                var leave = Sq((mem[a] - m) / memCap[a]) - Sq(mem[a] / memCap[a]) + Sq((cpu[a] - c) / cpuCap[a]) - Sq(cpu[a] / cpuCap[a]);
                var ruled = rules.IndexesOf(v.Uuid).Length > 0;
                if (!ruled && leave + (Sq(m) / maxMemCap2) + (2 * m * minMem) + (Sq(c) / maxCpuCap2) + (2 * c * minCpu) >= bestDelta)
                    continue;
                foreach (var b in allowed[k])
                {
                    if (b == a || mem[b] + m > memCap[b])
                        continue;
                    var delta = leave + Sq((mem[b] + m) / memCap[b]) - Sq(mem[b] / memCap[b]) + Sq((cpu[b] + c) / cpuCap[b]) - Sq(cpu[b] / cpuCap[b]);
                    if (ruled)
                    {
                        if (occupancy.Judge(v.Uuid, all[b].Name).HardRule is not null)
                            continue;
                        delta += occupancy.MoveCost(v.Uuid, all[b].Name, SoftWeight, HardWeight);
                    }
                    if (delta < bestDelta)
                        (bestVm, bestTo, bestDelta) = (k, b, delta);
                }
            }
            if (bestVm < 0)
                break;
            var moved = list[bestVm];
            var from = at[bestVm];
            mem[from] -= moved.MemoryMiB;
            cpu[from] -= moved.Vcpus;
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
            var v = list[k];
            moves.Add(new PlacementMove(v.Uuid, v.Name, origin[k], all[at[k]].Name, gains[k], running)
            {
                Rules = [.. rules.Of(v.Uuid).Select(r => r.ToString())],
            });
        }
        return new RebalancePlan(moves, before, score);
    }
}
