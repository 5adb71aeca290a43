using System.Globalization;
using Pvc.Bench;

// Benchmarks that need real servers and other clients side by side (BenchmarkDotNet suits in-process
// micro-benchmarks; these start ZooKeeper and run kazoo in the same run). Prints Markdown for bench/RESULTS.md.
// Exit status: 0 when every benchmark asked for ran to its end, 1 when one threw (the others still run), 2 for bad arguments.
// The count is each benchmark's runs, or for the nemesis soak its minutes; null when not given (each has its default).
var benchmarks = new (string Name, Func<int?, Task> Run)[]
{
    ("zookeeper", runs => ZooKeeperClientBenchmark.RunAsync(runs ?? 5)),
    ("core", runs => CoreBenchmark.RunAsync(Math.Max(runs ?? 5, 5) * 4)),
    ("nodeservice", _ => NodeServiceBenchmark.RunAsync()),
    ("fencing", runs => FencingBenchmark.RunAsync(Math.Max(runs ?? 5, 5))),
    ("powershell", runs => PowerShellBenchmark.RunAsync(Math.Max(runs ?? 5, 5))),
    ("nemesis", minutes => NemesisBenchmark.RunAsync(minutes ?? 30)),
    ("ceph", runs => CephBenchmark.RunAsync(runs ?? 3)),
    ("volumes", runs => VolumeBenchmark.RunAsync(runs ?? 3)),
    ("volume-list", runs => VolumeBenchmark.RunListAsync(runs ?? 3)),
    ("placement", _ => PlacementBenchmark.RunAsync()),

    ("metrics", runs => MetricsBenchmark.RunAsync(runs ?? 30)),
};
var which = args.Length > 0 ? args[0] : "all";
int? runs = null;
if (args.Length > 1 && int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var given) && given >= 1)
    runs = given;
if ((which != "all" && !benchmarks.Any(b => b.Name == which)) || (args.Length > 1 && runs is null))
{
    await Console.Error.WriteLineAsync($"usage: Pvc.Bench [all|{string.Join('|', benchmarks.Select(b => b.Name))}] [runs >= 1, or minutes for nemesis]; got '{string.Join(' ', args)}'");
    return 2;
}
var failed = new List<string>();
foreach (var (name, run) in benchmarks.Where(b => which == "all" || b.Name == which))
{
    try
    {
        await run(runs);
    }
    catch (Exception e)
    {
        failed.Add(name);
        await Console.Error.WriteLineAsync($"benchmark {name} failed: {e}");
    }
}
if (failed.Count > 0)
    await Console.Error.WriteLineAsync($"{failed.Count} benchmark(s) failed: {string.Join(", ", failed)}");
return failed.Count > 0 ? 1 : 0;
