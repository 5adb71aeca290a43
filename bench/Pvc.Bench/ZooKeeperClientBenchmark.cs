using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pvc.Testing.Python;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Bench;

/// <summary>
/// Pvc.ZooKeeper against kazoo's async API on one private ZooKeeper server: pipelined getData of
/// 10,000 znodes of 1 KiB, and getChildren + getData of a 1,000-child tree.
/// </summary>
internal static class ZooKeeperClientBenchmark
{
    private const int FlatCount = 10_000;
    private const int TreeCount = 1_000;

    private const string KazooScript = """
        import sys, time, json
        from kazoo.client import KazooClient
        zk = KazooClient(hosts=sys.argv[1])
        zk.start(timeout=30)
        scenario, count = sys.argv[2], int(sys.argv[3])
        def flat():
            lat = [0.0] * count
            results = []
            start = time.perf_counter()
            cpu = time.process_time()
            for i in range(count):
                t0 = time.perf_counter()
                r = zk.get_async("/flat/%05d" % i)
                r.rawlink(lambda res, i=i, t0=t0: lat.__setitem__(i, (time.perf_counter() - t0) * 1000))
                results.append(r)
            for r in results:
                r.get()
            return time.perf_counter() - start, lat, time.process_time() - cpu
        def tree():
            start = time.perf_counter()
            cpu = time.process_time()
            children = zk.get_children("/tree")
            lat = [0.0] * len(children)
            results = []
            for i, c in enumerate(children):
                t0 = time.perf_counter()
                r = zk.get_async("/tree/" + c)
                r.rawlink(lambda res, i=i, t0=t0: lat.__setitem__(i, (time.perf_counter() - t0) * 1000))
                results.append(r)
            for r in results:
                r.get()
            return time.perf_counter() - start, lat, time.process_time() - cpu
        fn = flat if scenario == "flat" else tree
        for _ in range(3):
            fn()  # warm-up, as for ours
        for _ in range(int(sys.argv[4])):
            wall, lat, cpu = fn()
            print(json.dumps({"wall": wall, "lat": lat, "cpu": cpu}))
        zk.stop()
        """;

    public static async Task RunAsync(int runs)
    {
        Console.WriteLine($"## ZooKeeper client: Pvc.ZooKeeper vs kazoo {KazooVersion()} ({runs} runs each, median run shown)");
        await using var server = await ZooKeeperServer.StartStandaloneAsync(ZooKeeperServer.ProductionJvmOptions);
        await SeedAsync(server.Endpoint);

        Console.WriteLine();
        Console.WriteLine("| scenario | client | ops | wall ms | ops/s | p50 ms | p99 ms | client CPU µs/op |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (scenario, count) in new[] { ("flat", FlatCount), ("tree", TreeCount) })
        {
            var label = scenario == "flat" ? "getData x10,000 (1 KiB)" : "getChildren + getData x1,000";
            var ours = Measurement.Median(await OursAsync(server.Endpoint, scenario, runs));
            var theirs = Measurement.Median(await KazooAsync(server.Endpoint, scenario, count, runs));
            Console.WriteLine(ours.Row("Pvc.ZooKeeper", label));
            Console.WriteLine(theirs.Row("kazoo (async)", label));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | Pvc/kazoo | | | {ours.OpsPerSecond / theirs.OpsPerSecond:0.0}x | | | |"));
        }
        // kazoo has no multiRead; this row shows what Pvc.Core's bulk reads use
        var batched = Measurement.Median(await OursAsync(server.Endpoint, "multiread", runs));
        Console.WriteLine(batched.Row("Pvc.ZooKeeper multiRead (batches of 500)", "getData x10,000 (1 KiB)"));
        var tree = Measurement.Median(await OursAsync(server.Endpoint, "treemulti", runs));
        Console.WriteLine(tree.Row("Pvc.ZooKeeper getChildren + one multiRead", "getChildren + getData x1,000"));
    }

    private static string KazooVersion()
    {
        var psi = new ProcessStartInfo(Kazoo.Python, ["-c", "import kazoo.version; print(kazoo.version.__version__)"]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        return p.StandardOutput.ReadToEnd().Trim();
    }

    private static async Task SeedAsync(string endpoint)
    {
        await using var client = await ZooKeeperClient.ConnectAsync(endpoint);
        var data = new byte[1024];
        Random.Shared.NextBytes(data);
        await client.CreateAsync("/flat", ReadOnlyMemory<byte>.Empty);
        await client.CreateAsync("/tree", ReadOnlyMemory<byte>.Empty);
        await Task.WhenAll(Enumerable.Range(0, FlatCount).Select(i => client.CreateAsync($"/flat/{i:D5}", data)));
        await Task.WhenAll(Enumerable.Range(0, TreeCount).Select(i => client.CreateAsync($"/tree/vm-{i:D4}", data[..512])));
    }

    private static async Task<List<Measurement>> OursAsync(string endpoint, string scenario, int runs)
    {
        await using var client = await ZooKeeperClient.ConnectAsync(endpoint);
        var results = new List<Measurement>();
        for (var run = -3; run < runs; run++) // three runs warm up (JIT tiers)
        {
            var m = scenario switch
            {
                "flat" => await FlatAsync(client),
                "tree" => await TreeAsync(client),
                "treemulti" => await TreeMultiReadAsync(client),
                _ => await MultiReadAsync(client),
            };
            if (run >= 0)
                results.Add(m);
        }
        return results;
    }

    private static async Task<Measurement> FlatAsync(ZooKeeperClient client)
    {
        var latencies = new double[FlatCount];
        var cpu = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        var tasks = new Task[FlatCount];
        for (var i = 0; i < FlatCount; i++)
            tasks[i] = Timed(client.GetDataAsync($"/flat/{i:D5}"), latencies, i);
        await Task.WhenAll(tasks);
        return new Measurement(FlatCount, Stopwatch.GetElapsedTime(start).TotalSeconds, latencies, (Environment.CpuUsage.TotalTime - cpu).TotalSeconds);
    }

    private static async Task<Measurement> MultiReadAsync(ZooKeeperClient client)
    {
        const int batch = 500;
        var latencies = new double[FlatCount / batch];
        var cpu = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        var tasks = new Task[FlatCount / batch];
        for (var b = 0; b < tasks.Length; b++)
            tasks[b] = Timed(client.MultiReadAsync(Enumerable.Range(b * batch, batch).Select(i => ReadOp.GetData($"/flat/{i:D5}"))), latencies, b);
        await Task.WhenAll(tasks);
        return new Measurement(FlatCount, Stopwatch.GetElapsedTime(start).TotalSeconds, latencies, (Environment.CpuUsage.TotalTime - cpu).TotalSeconds);
    }

    private static async Task<Measurement> TreeMultiReadAsync(ZooKeeperClient client)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        var children = (await client.GetChildrenAsync("/tree")).Children;
        var latencies = new double[1];
        await Timed(client.MultiReadAsync(children.Select(c => ReadOp.GetData("/tree/" + c))), latencies, 0);
        return new Measurement(children.Count + 1, Stopwatch.GetElapsedTime(start).TotalSeconds, latencies, (Environment.CpuUsage.TotalTime - cpu).TotalSeconds);
    }

    private static async Task<Measurement> TreeAsync(ZooKeeperClient client)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        var children = (await client.GetChildrenAsync("/tree")).Children;
        var latencies = new double[children.Count];
        var tasks = new Task[children.Count];
        for (var i = 0; i < children.Count; i++)
            tasks[i] = Timed(client.GetDataAsync("/tree/" + children[i]), latencies, i);
        await Task.WhenAll(tasks);
        return new Measurement(children.Count + 1, Stopwatch.GetElapsedTime(start).TotalSeconds, latencies, (Environment.CpuUsage.TotalTime - cpu).TotalSeconds);
    }

    private static async Task Timed(Task operation, double[] latencies, int index)
    {
        var t0 = Stopwatch.GetTimestamp();
        await operation;
        latencies[index] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }

    private static async Task<List<Measurement>> KazooAsync(string endpoint, string scenario, int count, int runs)
    {
        var output = await Kazoo.RunAsync(KazooScript, TimeSpan.FromMinutes(10), endpoint, scenario, count.ToString(CultureInfo.InvariantCulture), runs.ToString(CultureInfo.InvariantCulture));
        var results = new List<Measurement>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var lat = doc.RootElement.GetProperty("lat").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var ops = scenario == "flat" ? count : count + 1;
            results.Add(new Measurement(ops, doc.RootElement.GetProperty("wall").GetDouble(), lat, doc.RootElement.GetProperty("cpu").GetDouble()));
        }
        return results;
    }
}
