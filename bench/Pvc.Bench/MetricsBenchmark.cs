using System.Diagnostics;
using System.Globalization;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Metrics;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Metrics;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Bench;

/// <summary>
/// The primary's /metrics for 1,000 VMs (issue 16: under 100 ms): rendering a snapshot of 1,000 VMs with stats (every
/// VM family filled) to Prometheus text, a whole scrape's work on a real ZooKeeper (read the cluster, then render), a
/// scrape as the node service serves it (render the snapshot its keepalive-interval refresh read), and that refresh's
/// cost with and without scrapes.
/// </summary>
internal static class MetricsBenchmark
{
    private const int VmCount = 1000;
    private const int WarmUp = 10;

    public static async Task RunAsync(int runs)
    {
        Console.WriteLine();
        Console.WriteLine($"## /metrics for {VmCount:N0} VMs ({runs} runs after {WarmUp} warm-up; median, p90, max)");
        Console.WriteLine();
        Console.WriteLine("| scenario | series | bytes | median ms | p90 ms | max ms | median CPU ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        var snapshot = Snapshot();
        await MeasureAsync("render (ClusterMetrics.Build + text), VMs with stats", runs, () => Task.FromResult(snapshot));

        await using var server = await ZooKeeperServer.StartStandaloneAsync(ZooKeeperServer.ProductionJvmOptions);
        await using (var raw = await ZooKeeperClient.ConnectAsync(server.Endpoint))
        {
            await PvcSeed.ClusterAsync(raw);
            await Task.WhenAll(Enumerable.Range(0, VmCount).Select(i =>
                PvcSeed.AddVmAsync(raw, $"vm{i:D4}", $"hv{i % 3 + 1}", state: i % 5 == 0 ? "stop" : "start", tags: i % 4 == 0 ? [("prod", false)] : null)));
        }
        await using var cluster = await ClusterConnection.ConnectAsync(new() { Servers = [server.Endpoint] });
        await MeasureAsync("scrape (read the cluster from ZooKeeper + render)", runs, () => ClusterMetricsReader.ReadAsync(cluster));

        // the node service's way: the primary reads the cluster each keepalive interval (5 s) while scraped, a scrape
        // renders the last read; scrapes 250 ms apart so that refreshes run beside some of them
        await cluster.ZooKeeper.SetDataAsync(BaseKeys.PrimaryNode, System.Text.Encoding.UTF8.GetBytes("hv1"));
        var cache = new ClusterMetricsCache(KeepaliveInterval);
        using (var stop = new CancellationTokenSource())
        {
            var refresh = cache.RefreshAsync(() => cluster, "hv1", stop.Token);
            await MeasureAsync("scrape from the keepalive snapshot (refresh every 5 s beside it)", runs,
                async () => (await cache.GetAsync(cluster, "hv1", CancellationToken.None))!, TimeSpan.FromMilliseconds(250));
            await stop.CancelAsync();
            await refresh.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        // what the refresh costs the service: nobody scraping (no reads), and scraped (a read each interval)
        Console.WriteLine();
        Console.WriteLine($"| refresh loop over {CostWindow.TotalSeconds:0} s | cluster reads | process CPU ms | CPU % of a core |");
        Console.WriteLine("|---|---:|---:|---:|");
        await CostAsync("nobody scrapes", cluster, scraped: false);
        await CostAsync("scraped (one scrape at the start, then reads each 5 s)", cluster, scraped: true);
    }

    private static readonly TimeSpan KeepaliveInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CostWindow = TimeSpan.FromSeconds(30);

    private static async Task CostAsync(string scenario, ClusterConnection cluster, bool scraped)
    {
        var cache = new ClusterMetricsCache(KeepaliveInterval);
        using var stop = new CancellationTokenSource();
        var refresh = cache.RefreshAsync(() => cluster, "hv1", stop.Token);
        if (scraped)
            await cache.GetAsync(cluster, "hv1", CancellationToken.None);
        var reads0 = cache.Reads;
        var me = Process.GetCurrentProcess();
        me.Refresh();
        var cpu0 = me.TotalProcessorTime;
        await Task.Delay(CostWindow);
        me.Refresh();
        var cpu = (me.TotalProcessorTime - cpu0).TotalMilliseconds;
        await stop.CancelAsync();
        await refresh.ContinueWith(_ => { }, TaskScheduler.Default);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {scenario} | {cache.Reads - reads0} | {cpu:0} | {cpu / CostWindow.TotalMilliseconds * 100:0.00} |"));
    }

    private static async Task MeasureAsync(string scenario, int runs, Func<Task<ClusterMetricsSnapshot>> read, TimeSpan? apart = null)
    {
        var times = new List<double>();
        var cpu = new List<double>();
        var me = Process.GetCurrentProcess();
        long bytes = 0;
        var series = 0;
        for (var run = -WarmUp; run < runs; run++)
        {
            using var body = new MemoryStream();
            me.Refresh();
            var cpu0 = me.TotalProcessorTime;
            var t0 = Stopwatch.GetTimestamp();
            var families = ClusterMetrics.Build(await read());
            await MetricsExposition.WriteAsync(body, families, CancellationToken.None);
            var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            me.Refresh();
            if (run >= 0)
            {
                times.Add(ms);
                cpu.Add((me.TotalProcessorTime - cpu0).TotalMilliseconds);
            }
            bytes = body.Length;
            series = families.Sum(f => f.Samples.Count);
            if (apart is { } pause)
                await Task.Delay(pause);
        }
        var sorted = times.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {scenario} | {series} | {bytes} | {sorted[sorted.Length / 2]:0.0} | {sorted[(int)(sorted.Length * 0.9)]:0.0} | {sorted[^1]:0.0} | {cpu.Order().ElementAt(cpu.Count / 2):0.0} |"));
    }

    /// <summary>Three nodes and 1,000 VMs with PVC-shaped stats (memory, CPU, one disk), a tenth of them stopped.</summary>
    private static ClusterMetricsSnapshot Snapshot()
    {
        var nodes = Enumerable.Range(1, 3).Select(i => new Node
        {
            Name = $"hv{i}", DaemonState = NodeDaemonState.Run, DomainState = NodeDomainState.Ready, CpuCount = 64, CpuLoad = 12.5,
            Kernel = "6.1.0-18-amd64", Architecture = "x86_64", VcpusAllocated = 660, VmCount = 333, Health = 100,
            MemoryTotalMiB = 1_048_576, MemoryUsedMiB = 400_000, MemoryFreeMiB = 648_576, MemoryAllocatedMiB = 340_000, MemoryProvisionedMiB = 400_000,
        }).ToList();
        var stats = new VmStats
        {
            CpuTimeNs = 12_345_000_000, CpuUserNs = 8_000_000_000, CpuSystemNs = 4_000_000_000,
            MemoryStats = new Dictionary<string, long>
            {
                ["actual"] = 1048576, ["rss"] = 524288, ["unused"] = 262144, ["available"] = 1000000, ["usable"] = 700000,
                ["disk_caches"] = 100000, ["swap_in"] = 0, ["swap_out"] = 0, ["major_fault"] = 120, ["minor_fault"] = 45000,
            },
            Disks = [new VmDiskStats("sda", 1000, 40960000, 2000, 81920000, 0)],
        };
        var vms = Enumerable.Range(0, VmCount).Select(i => new Vm
        {
            Uuid = Guid.NewGuid(), Name = $"vm{i:D4}", State = i % 10 == 9 ? VmState.Stop : VmState.Start, Node = $"hv{i % 3 + 1}",
            Description = $"benchmark VM {i}", Profile = "default", Vcpus = 2, MemoryMiB = 1024,
            Tags = i % 4 == 0 ? [new VmTag("prod", "user", false)] : [], Stats = i % 10 == 9 ? null : stats,
        }).ToList();
        return new ClusterMetricsSnapshot
        {
            Status = new ClusterStatus
            {
                Health = 100, Maintenance = false, PrimaryNode = "hv1", PvcVersion = "1.0.3", NodeCount = 3, VmCount = VmCount,
                NetworkCount = 0, OsdCount = 0, PoolCount = 0, NodeStates = [], VmStates = [], ActiveFaults = [],
            },
            Nodes = nodes,
            Vms = vms,
        };
    }
}
