using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pvc.NodeService.Ceph;
using Pvc.Testing.Ceph;

namespace Pvc.Bench;

/// <summary>
/// How the node service should reach Ceph: 100 RBD volumes created one after the other and then listed, through
/// librbd in-process (<see cref="RbdImages"/>) and through one <c>rbd</c> process per call as PVC does
/// (<see cref="RbdCommandLine"/>), on the one-host Ceph lab. Each run's outcome is checked: the listing has exactly
/// the volumes made, and <c>rbd ls</c> agrees. Also the lab's start-up time.
/// </summary>
internal static class CephBenchmark
{
    private const int Volumes = 100;

    public static async Task RunAsync(int runs)
    {
        Console.WriteLine();
        Console.WriteLine($"## Ceph access: {Volumes} RBD volumes created and listed, librbd in-process vs the rbd tool (issue 14)");
        var started = Stopwatch.StartNew();
        await using var lab = await CephLab.StartAsync();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Lab start (1 bluestore OSD, empty folder to HEALTH_OK): {lab.StartTime.TotalSeconds:0.0} s"));
        var pool = await lab.SharedPoolAsync();
        var options = new CephClientOptions { ConfigPath = lab.ConfigPath, ClientName = CephLab.AdminClient };
        var connect = Stopwatch.StartNew();
        using var cluster = await RadosCluster.ConnectAsync(options);
        var connectMs = connect.Elapsed.TotalMilliseconds;
        var library = new RbdImages(cluster);
        var tool = new RbdCommandLine(options);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"librados connect (once per node service): {connectMs:0.0} ms"));
        Console.WriteLine();
        Console.WriteLine("| way | runs | create, median per volume ms | create 100, median total s | list 100, median ms | remove, median per volume ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var ways = new (string Name, Func<string, string, Task> Create, Func<string, Task<IReadOnlyList<string>>> List, Func<string, string, Task> Remove)[]
        {
            ("librbd (P/Invoke, one connection)", (p, v) => library.CreateAsync(p, v, 1L << 30), p => library.ListAsync(p), (p, v) => library.RemoveAsync(p, v)),
            ("rbd tool (a process per call, as PVC)", (p, v) => tool.CreateAsync(p, v, 1L << 30), p => tool.ListAsync(p), (p, v) => tool.RemoveAsync(p, v)),
        };
        foreach (var way in ways)
        {
            var perCreate = new List<double>();
            var totals = new List<double>();
            var lists = new List<double>();
            var perRemove = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                var names = Enumerable.Range(0, Volumes).Select(i => string.Create(CultureInfo.InvariantCulture, $"bench{run}_{i:000}")).ToList();
                var createLatencies = new List<double>();
                var total = Stopwatch.StartNew();
                foreach (var name in names)
                {
                    var one = Stopwatch.StartNew();
                    await way.Create(pool, name);
                    createLatencies.Add(one.Elapsed.TotalMilliseconds);
                }
                totals.Add(total.Elapsed.TotalSeconds);
                var list = Stopwatch.StartNew();
                var listed = await way.List(pool);
                lists.Add(list.Elapsed.TotalMilliseconds);
                var byTool = JsonSerializer.Deserialize<List<string>>(await lab.RbdAsync(["ls", "--format", "json", pool]))!;
                if (listed.Count != Volumes || !listed.Order(StringComparer.Ordinal).SequenceEqual(names) || !byTool.Order(StringComparer.Ordinal).SequenceEqual(names))
                    throw new InvalidOperationException($"{way.Name}: listed {listed.Count} volumes, rbd ls {byTool.Count}; expected exactly the {Volumes} made.");
                var removeLatencies = new List<double>();
                foreach (var name in names)
                {
                    var one = Stopwatch.StartNew();
                    await way.Remove(pool, name);
                    removeLatencies.Add(one.Elapsed.TotalMilliseconds);
                }
                if ((await way.List(pool)).Count != 0)
                    throw new InvalidOperationException($"{way.Name}: volumes left after removing them all.");
                perCreate.Add(Median(createLatencies));
                perRemove.Add(Median(removeLatencies));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {way.Name} run {run + 1}: create {Median(createLatencies):0.0} ms/volume, {totals[^1]:0.00} s total, list {lists[^1]:0.0} ms"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {way.Name} | {runs} | {Median(perCreate):0.0} | {Median(totals):0.00} | {Median(lists):0.0} | {Median(perRemove):0.0} |"));
        }
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Benchmark wall time, lab included: {started.Elapsed.TotalSeconds:0} s"));
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
