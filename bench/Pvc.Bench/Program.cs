using Pvc.Bench;

// Benchmarks that need real servers and other clients side by side (BenchmarkDotNet suits in-process
// micro-benchmarks; these start ZooKeeper and run kazoo in the same run). Prints Markdown for bench/RESULTS.md.
var which = args.Length > 0 ? args[0] : "all";
var runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
if (which is "all" or "zookeeper")
    await ZooKeeperClientBenchmark.RunAsync(runs);
if (which is "all" or "core")
    await CoreBenchmark.RunAsync(Math.Max(runs, 5) * 4);
if (which is "all" or "nodeservice")
    await NodeServiceBenchmark.RunAsync();
if (which is "all" or "fencing")
    await FencingBenchmark.RunAsync(Math.Max(runs, 5));
if (which is "all" or "powershell")
    await PowerShellBenchmark.RunAsync(Math.Max(runs, 5));
