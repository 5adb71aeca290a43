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
/// alone, not a re-score of the cluster per candidate. Each VM's best move is kept between steps: a move changes two
/// nodes and the moved VM's rules, so only the VMs on those nodes or in those rules are scanned again over every
/// target, every other VM only against the two nodes (one whose best target was one of them is scanned again when it
/// could be the step's best), and the plan is move for move the one a full scan per step finds. Node load (cpuload)
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
        var may = allowed.Select(a => { var m = new bool[all.Count]; foreach (var b in a) m[b] = true; return m; }).ToArray();
        var occupancy = rules.Occupy(list.ToDictionary(v => v.Uuid, v => v.Node));
        double Sq(double x) => x * x;
        var score = Enumerable.Range(0, all.Count).Sum(i => Sq(mem[i] / memCap[i]) + Sq(cpu[i] / cpuCap[i]))
            + (occupancy.Breaks(hard: false) * SoftWeight) + (occupancy.Breaks(hard: true) * HardWeight);
        var before = score;
        var origin = list.Select(v => v.Node).ToArray();
        var order = new List<int>();
        var gains = new Dictionary<int, double>();
        var ruled = list.Select(v => rules.IndexesOf(v.Uuid).Length > 0).ToArray();
        var position = list.Select((v, k) => (v.Uuid, k)).ToDictionary(p => p.Uuid, p => p.k);
        var peers = list.Select(v => rules.PeersOf(v.Uuid).Where(position.ContainsKey).Select(u => position[u]).ToArray()).ToArray();

        // the delta of one candidate move (infinity when it is not allowed), worked out exactly as a full scan would
        double Delta(int k, int b)
        {
            var v = list[k];
            var a = at[k];
            var (m, c) = (v.MemoryMiB, v.Vcpus);
            if (b == a || mem[b] + m > memCap[b])
                return double.PositiveInfinity;
            var leave = Sq((mem[a] - m) / memCap[a]) - Sq(mem[a] / memCap[a]) + Sq((cpu[a] - c) / cpuCap[a]) - Sq(cpu[a] / cpuCap[a]);
            var delta = leave + Sq((mem[b] + m) / memCap[b]) - Sq(mem[b] / memCap[b]) + Sq((cpu[b] + c) / cpuCap[b]) - Sq(cpu[b] / cpuCap[b]);
            if (ruled[k])
            {
                if (occupancy.Judge(v.Uuid, all[b].Name).HardRule is not null)
                    return double.PositiveInfinity;
                delta += occupancy.MoveCost(v.Uuid, all[b].Name, SoftWeight, HardWeight);
            }
            return delta;
        }

        // each VM's best move (the first target of the lowest delta), kept between steps: exact, or stale with a lower
        // bound on it (its best target was one the last move made dearer, so it may now be elsewhere)
        var bestTo = new int[list.Count];
        var best = new double[list.Count];
        var exact = new bool[list.Count];
        void Rescan(int k)
        {
            (bestTo[k], best[k], exact[k]) = (-1, double.PositiveInfinity, true);
            foreach (var b in allowed[k])
            {
                var delta = Delta(k, b);
                if (delta < best[k])
                    (bestTo[k], best[k]) = (b, delta);
            }
        }
        for (var k = 0; k < list.Count; k++)
            Rescan(k);
        var stale = new List<int>();
        var touched = new bool[list.Count];
        for (var step = 0; step < maxMoves; step++)
        {
            // the lowest delta, the first VM on a tie: as one scan of every VM and target in order would find it
            var (bestVm, bestDelta) = (-1, -MinImprovement);
            stale.Clear();
            for (var k = 0; k < list.Count; k++)
            {
                if (!exact[k])
                    stale.Add(k);
                else if (best[k] < bestDelta)
                    (bestVm, bestDelta) = (k, best[k]);
            }
            // a stale VM is looked at again only when its bound could beat the best so far
            stale.Sort((x, y) => best[x] != best[y] ? best[x].CompareTo(best[y]) : x.CompareTo(y));
            foreach (var k in stale)
            {
                if (!(best[k] < bestDelta || (best[k] == bestDelta && k < bestVm)))
                    break;
                Rescan(k);
                if (best[k] < bestDelta || (best[k] == bestDelta && bestVm >= 0 && k < bestVm))
                    (bestVm, bestDelta) = (k, best[k]);
            }
            if (bestVm < 0)
                break;
            var bestTo0 = bestTo[bestVm];
            var moved = list[bestVm];
            var from = at[bestVm];
            mem[from] -= moved.MemoryMiB;
            cpu[from] -= moved.Vcpus;
            mem[bestTo0] += moved.MemoryMiB;
            cpu[bestTo0] += moved.Vcpus;
            at[bestVm] = bestTo0;
            occupancy.Move(moved.Uuid, all[bestTo0].Name);
            score += bestDelta;
            if (!gains.ContainsKey(bestVm))
                order.Add(bestVm);
            gains[bestVm] = gains.GetValueOrDefault(bestVm) - bestDelta;

            // only the two nodes changed, and the rules of the moved VM: a VM on either node, or in one of its rules,
            // is scanned again; any other keeps its best unless one of the two nodes now beats it
            var (lo, hi) = from < bestTo0 ? (from, bestTo0) : (bestTo0, from);
            touched[bestVm] = true;
            foreach (var peer in peers[bestVm])
                touched[peer] = true;
            for (var k = 0; k < list.Count; k++)
            {
                if (touched[k] || at[k] == from || at[k] == bestTo0)
                {
                    touched[k] = false;
                    Rescan(k);
                    continue;
                }
                var (dLo, dHi) = (may[k][lo] ? Delta(k, lo) : double.PositiveInfinity, may[k][hi] ? Delta(k, hi) : double.PositiveInfinity);
                if (exact[k] && bestTo[k] != from && bestTo[k] != bestTo0)
                {
                    // the others' deltas are as they were: the best of the three, the first target on a tie
                    if (dLo < best[k] || (dLo == best[k] && lo < bestTo[k]))
                        (bestTo[k], best[k]) = (lo, dLo);
                    if (dHi < best[k] || (dHi == best[k] && hi < bestTo[k]))
                        (bestTo[k], best[k]) = (hi, dHi);
                }
                else
                {
                    // its best was on one of the two nodes (or it was stale already): every other target's delta is
                    // as it was, so no move of it can beat the old best (a lower bound) or the two nodes' new deltas
                    best[k] = Math.Min(best[k], Math.Min(dLo, dHi));
                    exact[k] = false;
                }
            }
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
