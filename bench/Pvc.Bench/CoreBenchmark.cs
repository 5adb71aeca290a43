using System.Diagnostics;
using System.Globalization;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Reading;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Bench;

/// <summary>
/// Pvc.Core on a 1,000-VM cluster written the way PVC writes it: listing every VM with full detail, and one
/// VM state change by name (resolve the name, read, check and write in one transaction).
/// </summary>
internal static class CoreBenchmark
{
    private const int VmCount = 1000;

    // Warm-up listings before the measured ones: 30, so that the client's methods that run once a listing reach their
    // optimised (tier-1) code and the ZooKeeper server's JVM has compiled its read path; with 3, both were still
    // compiling in the background during the measured runs, on the same 2 cores, and client CPU a listing was 3 times
    // its steady value.
    private const int WarmUp = 30;

    public static async Task RunAsync(int runs)
    {
        Console.WriteLine();
        Console.WriteLine($"## Pvc.Core on {VmCount:N0} VMs ({runs} runs each after warm-up ({WarmUp} listings, 3 state changes); median)");
        await using var server = await ZooKeeperServer.StartStandaloneAsync(ZooKeeperServer.ProductionJvmOptions);
        await using (var raw = await ZooKeeperClient.ConnectAsync(server.Endpoint))
        {
            await PvcSeed.ClusterAsync(raw);
            await Task.WhenAll(Enumerable.Range(0, VmCount).Select(i =>
                PvcSeed.AddVmAsync(raw, $"vm{i:D4}", $"hv{i % 3 + 1}", state: "stop", tags: i % 4 == 0 ? [("prod", false)] : null)));
        }
        await using var cluster = await ClusterConnection.ConnectAsync(new() { Servers = [server.Endpoint] });
        var ops = new VmOperations(cluster);

        var list = new List<double>();
        var listCpu = new List<double>();
        var counter = new ReadCounter();
        var me = Process.GetCurrentProcess();
        for (var run = -WarmUp; run < runs; run++)
        {
            counter = new ReadCounter();
            me.Refresh();
            var cpu0 = me.TotalProcessorTime;
            var t0 = Stopwatch.GetTimestamp();
            var vms = await cluster.Vms.ListAsync(counter: counter);
            var wall = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            me.Refresh();
            if (vms.Count != VmCount)
                throw new InvalidOperationException($"listed {vms.Count} VMs");
            if (run >= 0)
            {
                list.Add(wall);
                listCpu.Add((me.TotalProcessorTime - cpu0).TotalMilliseconds);
            }
        }

        var change = new List<double>();
        for (var run = -3; run < runs; run++)
        {
            var name = $"vm{(run + 3) * 37 % VmCount:D4}";
            var t0 = Stopwatch.GetTimestamp();
            var vm = await ops.ResolveAsync(name);
            await ops.StartAsync(vm);
            if (run >= 0)
                change.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        Console.WriteLine();
        Console.WriteLine("| operation | median ms | min ms | max ms | sequential round trips | znode reads |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Console.WriteLine(Row("list 1,000 VMs, full detail (VmReader.ListAsync)", list, counter.Waves.ToString(CultureInfo.InvariantCulture), counter.Reads.ToString("N0", CultureInfo.InvariantCulture)));
        Console.WriteLine(Row("start one VM by name, warm connection (name hint check + read + transaction)", change, "3", "~4"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Listing: client CPU (this process, all threads) median {listCpu.Order().ElementAt(listCpu.Count / 2):0.0} ms a listing; load average at the end {File.ReadAllText("/proc/loadavg").Split(' ')[0]}."));
    }

    private static string Row(string label, List<double> samples, string waves, string reads)
    {
        var sorted = samples.Order().ToList();
        return string.Create(CultureInfo.InvariantCulture, $"| {label} | {sorted[sorted.Count / 2]:0.0} | {sorted[0]:0.0} | {sorted[^1]:0.0} | {waves} | {reads} |");
    }
}
