using System.Diagnostics;
using System.Globalization;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.NodeService.Ceph;
using Pvc.Testing.Ceph;
using Pvc.Testing.Lab;
using Pvc.Testing.PowerShell;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Bench;

/// <summary>
/// Volumes (issue 14): Get-PvcVolume over 1,000 volumes seeded in PVC's key shape (with rbd info stats as PVC's scan
/// stores them), warm; and 100 volumes created through New-PvcVolume (a cluster task run by a real node service over
/// librbd, keys written after Ceph) against 100 `rbd create` processes as PVC's API spawns them, then listed.
/// </summary>
internal static class VolumeBenchmark
{
    public static async Task RunAsync(int runs)
    {
        Console.WriteLine();
        Console.WriteLine($"## Volumes: Get-PvcVolume over 1,000 volumes, and 100 creates through the cluster task ({runs} runs; median)");
        await ListAsync(runs);
        await CreateAsync(runs);
    }

    private static async Task ListAsync(int runs)
    {
        await using var server = await ZooKeeperServer.StartStandaloneAsync(ZooKeeperServer.ProductionJvmOptions);
        await using (var raw = await ZooKeeperClient.ConnectAsync(server.Endpoint))
        {
            await PvcSeed.ClusterAsync(raw);
            var batch = PvcSeed.Batch(raw).AddPool("vms", "256", "default", PvcSeed.PoolStats(1)).AddPool("fast", "128", "ssd", PvcSeed.PoolStats(2));
            for (var i = 0; i < 1000; i++)
                batch.AddVolume(i % 4 == 0 ? "fast" : "vms", $"vm{i / 2:D3}_disk{i % 2}", PvcSeed.VolumeInfo($"vm{i / 2:D3}_disk{i % 2}", snapshots: i % 3));
            await batch.CommitAsync();
        }
        var load0 = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        // where the time goes: Core's read alone (ZooKeeper and parsing), the stats' parsing alone, the cmdlet without
        // its 1,000 objects leaving the engine, and the cmdlet as a caller gets it
        await using var core = await Pvc.Core.Connection.ClusterConnection.ConnectAsync(new() { Servers = [server.Endpoint] });
        var reads = await TimeAsync(runs, async () => Check((await core.Volumes.ListAsync()).Count));
        var listed = await core.Volumes.ListAsync();
        var json = listed.Select(v => v.Stats!.Json).ToList();
        // the wire alone: the 1,000 stats keys read with the client, as one multiRead (Core's page) or ten in flight
        var paths = listed.Select(v => CephKeys.Volume.Path($"{v.Pool}/{v.Name}", CephKeys.Stats)).ToList();
        await using var wire = await ZooKeeperClient.ConnectAsync(server.Endpoint);
        var oneRead = await TimeAsync(runs, async () => Check((await wire.MultiReadAsync(paths.Select(ReadOp.GetData))).Count));
        var tenReads = await TimeAsync(runs, async () => Check((await Task.WhenAll(paths.Chunk(100).Select(c => wire.MultiReadAsync(c.Select(ReadOp.GetData))))).Sum(r => r.Count)));
        var parses = await TimeAsync(runs, () => Task.FromResult(Check(json.Count(j => RbdImageInfo.Parse(j)?.SizeBytes is 21474836480))));
        using var session = PowerShellSession.Open();
        session.Run("Connect-PvcCluster $args[0] | Out-Null", server.Endpoint).ThrowIfErrors();
        var counts = await TimeAsync(runs, () => Task.FromResult(Check(session.Run("(Get-PvcVolume).Count").ThrowIfErrors().OutputOf<int>().Single())));
        long bytes = 0;
        var lists = await TimeAsync(runs, () =>
        {
            var volumes = session.Run("Get-PvcVolume").ThrowIfErrors().OutputOf<Volume>();
            if (volumes.Count != 1000 || volumes.Any(v => v.Stats?.SizeBytes is not 21474836480))
                throw new InvalidOperationException($"Get-PvcVolume returned {volumes.Count} volumes, {volumes.Count(v => v.Stats is null)} without stats");
            bytes = volumes.Sum(v => v.Stats!.SizeBytes!.Value);
            return Task.FromResult(volumes.Count);
        });
        var load1 = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        Console.WriteLine();
        Console.WriteLine($"Load average (1 min) {load0} before, {load1} after.");
        Console.WriteLine();
        Console.WriteLine("| measure | samples | median ms | min ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(Row("Get-PvcVolume, 1,000 volumes in 2 pools (PVC's keys, rbd info stats), warm connection", lists));
        Console.WriteLine(Row("(Get-PvcVolume).Count: the cmdlet, its 1,000 objects not leaving the engine", counts));
        Console.WriteLine(Row("Core alone: VolumeReader.ListAsync (ZooKeeper reads and parsing)", reads));
        Console.WriteLine(Row("of which parsing 1,000 rbd info stats (RbdImageInfo.Parse, warm)", parses));
        Console.WriteLine(Row("the wire alone: the 1,000 stats keys in one multiRead (ZooKeeperClient)", oneRead));
        Console.WriteLine(Row("the wire alone: the same in ten multiReads of 100, all in flight", tenReads));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nEach run returned 1,000 volumes with stats ({bytes / (1L << 40)} TiB in all)."));
    }

    /// <summary>Runs the Get-PvcVolume part only (<c>volume-list</c>): no Ceph lab.</summary>
    public static Task RunListAsync(int runs)
    {
        Console.WriteLine();
        Console.WriteLine($"## Volumes: Get-PvcVolume over 1,000 volumes ({runs} runs; median)");
        return ListAsync(runs);
    }

    // 3 warm-up calls, then 4 timed per run
    private static async Task<List<double>> TimeAsync(int runs, Func<Task<int>> call)
    {
        var samples = new List<double>();
        for (var run = -3; run < runs * 4; run++)
        {
            var t0 = Stopwatch.GetTimestamp();
            await call();
            var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (run >= 0)
                samples.Add(ms);
        }
        return samples;
    }

    private static int Check(int count) => count == 1000 ? count : throw new InvalidOperationException($"{count} volumes, not 1,000");

    private static async Task CreateAsync(int runs)
    {
        await using var ceph = await CephLab.StartAsync();
        await using var lab = await LabCluster.StartAsync(new LabClusterOptions
        {
            Name = "bench",
            NodeCount = 1,
            ExtraNodeConfig = $"path:\n  ceph_directory: \"{ceph.Directory}\"\nceph:\n  ceph_config_file: ceph.conf\n  ceph_keyring_file: {Path.GetFileName(ceph.AdminKeyringPath)}\n",
        });
        await lab.WaitReadyAsync();
        // the storage tasks run on the primary: wait for the election
        await CephLab.WaitUntilAsync(async ct => (await Pvc.Core.Cluster.ClusterStatusReader.ReadAsync(lab.Connection, ct)).PrimaryNode is not null,
            TimeSpan.FromSeconds(120), "a primary coordinator elected");
        using var ps = PowerShellSession.Open();
        ps.Run("Connect-PvcCluster $args[0] | Out-Null", lab.Servers).ThrowIfErrors();
        ps.Run("New-PvcPool bench 32 -Replication copies=1,mincopies=1 -Timeout 300").ThrowIfErrors();
        await CephLab.WaitUntilAsync(async ct => (await lab.Connection.Pools.GetAsync("bench", ct)).Stats?.FreeBytes is > 0, TimeSpan.FromSeconds(120), "the pool's usage reported");
        var rbd = new RbdCommandLine(new CephClientOptions { ConfigPath = ceph.ConfigPath, ClientName = CephLab.AdminClient });

        var task = new List<double>();
        var tool = new List<double>();
        var lists = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < 100; i++)
                ps.Run("New-PvcVolume bench $args[0] 1GB -Timeout 300", $"t{run}v{i:D3}").ThrowIfErrors();
            task.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds / 100);
            var l0 = Stopwatch.GetTimestamp();
            var listed = ps.Run("Get-PvcVolume -Pool bench").ThrowIfErrors().OutputOf<Volume>();
            lists.Add(Stopwatch.GetElapsedTime(l0).TotalMilliseconds);
            var inCeph = await new RbdCommandLine(new CephClientOptions { ConfigPath = ceph.ConfigPath, ClientName = CephLab.AdminClient }).ListAsync("bench");
            if (listed.Count != 100 || inCeph.Count != 100 || listed.Any(v => v.Stats?.SizeBytes != 1L << 30))
                throw new InvalidOperationException($"run {run}: Get-PvcVolume listed {listed.Count}, Ceph has {inCeph.Count}");
            ps.Run("Get-PvcVolume -Pool bench | Remove-PvcVolume -Confirm:$false -Timeout 300").ThrowIfErrors();

            var r0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < 100; i++)
                await rbd.CreateAsync("bench", $"r{run}v{i:D3}", 1L << 30);
            tool.Add(Stopwatch.GetElapsedTime(r0).TotalMilliseconds / 100);
            if ((await rbd.ListAsync("bench")).Count != 100)
                throw new InvalidOperationException($"run {run}: rbd create made {(await rbd.ListAsync("bench")).Count} volumes, not 100");
            foreach (var name in await rbd.ListAsync("bench"))
                await rbd.RemoveAsync("bench", name);
        }
        Console.WriteLine();
        Console.WriteLine("| 100 volumes of 1 GiB, one after the other | runs | median ms per create | min | max |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(Row("New-PvcVolume: Core's checks, task submitted, node service runs it (librbd create + rbd info scan + one ZooKeeper transaction), the cmdlet waits on a watch", task));
        Console.WriteLine(Row("`rbd create --size` as a process per volume, as PVC's API runs it (no ZooKeeper keys, no scan)", tool));
        Console.WriteLine(Row("Get-PvcVolume -Pool bench, the 100 volumes just made (ms per listing)", lists));
    }

    private static string Row(string label, List<double> samples)
    {
        var sorted = samples.Order().ToList();
        return string.Create(CultureInfo.InvariantCulture, $"| {label} | {sorted.Count} | {sorted[sorted.Count / 2]:0.0} | {sorted[0]:0.0} | {sorted[^1]:0.0} |");
    }
}
