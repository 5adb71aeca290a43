using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Pvc.Core.Nodes;
using Pvc.Core.Placement;
using Pvc.Core.Schema;

namespace Pvc.Bench;

/// <summary>
/// The placement planner on a large cluster (issue 17): 1,000 VMs placed one after another over 32 nodes with 50
/// placement rules (goal: under 50 ms), and a rebalance plan for a skewed cluster of that size (goal: under 500 ms).
/// In-process BenchmarkDotNet: no servers are involved, only Core's planners.
/// </summary>
[MemoryDiagnoser]
public class PlacementBenchmark
{
    private const int NodeCount = 32;
    private const int VmCount = 1000;
    private const int RuleCount = 50;
    private List<Node> _nodes = [];
    private List<(Guid Uuid, long MemoryMiB, int Vcpus)> _vms = [];
    private PlacementRules _rules = PlacementRules.None;
    private List<RebalanceVm> _skewed = [];

    /// <summary>The cluster: nodes of 256 GiB and 64 CPUs, VMs of 1-16 GiB and 1-8 vCPUs, rules of 2-4 VMs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(17);
        _nodes = [.. Enumerable.Range(1, NodeCount).Select(i => new Node
        {
            Name = $"hv{i:00}", DaemonState = NodeDaemonState.Run, DomainState = NodeDomainState.Ready,
            MemoryTotalMiB = 262144, MemoryFreeMiB = 262144 - 4096, MemoryUsedMiB = 4096, CpuCount = 64, CpuLoad = 1,
        })];
        _vms = [.. Enumerable.Range(0, VmCount).Select(_ => (Guid.NewGuid(), 1024L * random.Next(1, 17), random.Next(1, 9)))];
        _rules = new PlacementRules(Enumerable.Range(0, RuleCount).Select(r => new PlacementRule($"rule{r:00}",
            r % 3 == 2 ? PlacementRuleKind.KeepTogether : PlacementRuleKind.KeepApart, Hard: r % 2 == 0,
            [.. Enumerable.Range(0, 2 + (r % 3)).Select(k => _vms[((r * 7) + (k * 131)) % VmCount].Uuid).Distinct()])));
        // three quarters of the VMs crowded on the first 8 nodes, the rest spread
        _skewed = [.. _vms.Select((v, k) => new RebalanceVm(v.Uuid, $"vm{k:0000}", _nodes[k % 4 == 3 ? k % NodeCount : k % 8].Name, v.MemoryMiB, v.Vcpus, []))];
    }

    /// <summary>Places every VM, each within the rules and charged to its node before the next is placed.</summary>
    [Benchmark]
    public int Place1000VmsOver32NodesWith50Rules()
    {
        var planner = new PlacementPlanner(_nodes, _rules.Occupy(new Dictionary<Guid, string>()));
        var request = new PlacementRequest(null, [], NodeSelector.Default, NodeSelector.Mem);
        var placed = 0;
        foreach (var (uuid, memory, vcpus) in _vms)
            placed += planner.Place(uuid, request, memory, vcpus).Target is null ? 0 : 1;
        return placed;
    }

    /// <summary>Plans the moves that even out the skewed cluster.</summary>
    [Benchmark]
    public int RebalancePlanFor1000Vms() => RebalancePlanner.Plan(_nodes, _skewed, _rules).Moves.Count;

    private static double CpuMedianMs(Func<int> run)
    {
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var times = new List<double>();
        for (var i = 0; i < 18; i++)
        {
            process.Refresh();
            var before = process.TotalProcessorTime;
            run();
            process.Refresh();
            if (i >= 3)
                times.Add((process.TotalProcessorTime - before).TotalMilliseconds);
        }
        return times.Order().ElementAt(times.Count / 2);
    }

    /// <summary>Runs both with BenchmarkDotNet in this process and prints its summary (medians included).</summary>
    public static Task RunAsync()
    {
        var check = new PlacementBenchmark();
        check.Setup();
        var placed = check.Place1000VmsOver32NodesWith50Rules();
        var plan = RebalancePlanner.Plan(check._nodes, check._skewed, check._rules);
        Console.WriteLine($"placement: {placed} of {VmCount} VMs placed; rebalance: {plan.Moves.Count} moves, score {plan.ScoreBefore:0.000} -> {plan.ScoreAfter:0.000}");
        // on a machine shared with other work the wall time mostly measures the wait for a core: the process's CPU
        // time per run (this thread's work, a little GC) is the steadier figure
        Console.WriteLine($"CPU time, median of 15 runs after 3: placement {CpuMedianMs(() => check.Place1000VmsOver32NodesWith50Rules()):0.0} ms, rebalance plan {CpuMedianMs(() => check.RebalancePlanFor1000Vms()):0.0} ms");
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(15))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        BenchmarkRunner.Run<PlacementBenchmark>(config);
        return Task.CompletedTask;
    }
}
