using System.Diagnostics;
using System.Globalization;
using Pvc.Core.Schema;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Nodes;
using Pvc.Core.Vms;
using Pvc.Testing.Lab;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Bench;

/// <summary>
/// pvcnoded processes on libvirt test-driver hosts: the wall time of a flush of 50 VMs at concurrency 1 and 4,
/// and one node service's resident memory and CPU at idle with 100 VMs running (PVC's default 5 s keepalive).
/// </summary>
internal static class NodeServiceBenchmark
{
    public static async Task RunAsync()
    {
        Console.WriteLine();
        Console.WriteLine("## Node service on libvirt test-driver hosts");
        await using var server = await ZooKeeperServer.StartStandaloneAsync(ZooKeeperServer.ProductionJvmOptions);
        var rows = new List<string>();
        foreach (var concurrency in new[] { 1, 4 })
        {
            var (wall, back) = await FlushAsync(server.Endpoint, concurrency, 50);
            rows.Add(string.Create(CultureInfo.InvariantCulture, $"| flush of 50 running VMs, concurrency {concurrency} | {wall:0.0} s | unflush (all 50 back) {back:0.0} s |"));
        }
        var (rss, highest, cpu) = await IdleAsync(server.Endpoint, 100);
        Console.WriteLine();
        Console.WriteLine("| measure | result | |");
        Console.WriteLine("|---|---:|---|");
        foreach (var row in rows)
            Console.WriteLine(row);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| idle with 100 VMs: resident memory | {rss:0.0} MB | VmRSS after 90 s; highest of 12 readings over 30-90 s: {highest:0.0} MB |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| idle with 100 VMs: CPU | {cpu:0.00} % of a core | over 60 s after 30 s |"));
    }

    private static async Task<LabCluster> StartAsync(string endpoint, int count, string extra, int keepalive)
    {
        var lab = await LabCluster.StartAsync(await ZooKeeperChroot.CreateAsync(endpoint, "bench"),
            new LabClusterOptions { Name = "bench", NodeCount = count, ExtraNodeConfig = extra, KeepaliveSeconds = keepalive });
        try
        {
            await lab.WaitReadyAsync();
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private static Task<IReadOnlyList<VmRef>> StartVmsAsync(LabCluster lab, string node, int count) =>
        lab.StartVmsAsync(Enumerable.Range(0, count).Select(i => new LabVm($"vm{i:D3}", node)), TimeSpan.FromSeconds(120));

    private static async Task<(double Flush, double Unflush)> FlushAsync(string endpoint, int concurrency, int vmCount)
    {
        await using var lab = await StartAsync(endpoint, 3, $"  flush_concurrency: {concurrency}", keepalive: 1);
        var cluster = lab.Connection;
        try
        {
            await StartVmsAsync(lab, "hv1", vmCount);
            var ops = new NodeOperations(cluster);
            var t0 = Stopwatch.GetTimestamp();
            await ops.FlushAsync("hv1");
            await ops.WaitForDomainStateAsync("hv1", [NodeDomainState.Flushed], TimeSpan.FromMinutes(10));
            var flush = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            t0 = Stopwatch.GetTimestamp();
            await ops.ReadyAsync("hv1");
            await ops.WaitForDomainStateAsync("hv1", [NodeDomainState.Ready], TimeSpan.FromMinutes(10));
            return (flush, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        finally
        {
            lab.Stop(TimeSpan.FromSeconds(60));
        }
    }

    private static async Task<(double RssMb, double HighestRssMb, double CpuPercent)> IdleAsync(string endpoint, int vmCount)
    {
        await using var lab = await StartAsync(endpoint, 1, "", keepalive: 5);
        var cluster = lab.Connection;
        try
        {
            await StartVmsAsync(lab, "hv1", vmCount);
            var pid = lab.Nodes[0].Pid ?? throw new InvalidOperationException("pvcnoded is not running");
            await Task.Delay(TimeSpan.FromSeconds(30)); // let start-up work (JIT tiering, first GCs) settle: idle is the steady state
            var cpu0 = CpuTicks(pid);
            var t0 = Stopwatch.GetTimestamp();
            // resident memory every 5 s: the service trims its C heap now and then, so the highest value counts too
            var highest = 0.0;
            for (var i = 0; i < 12; i++)
            {
                await Task.Delay(TimeSpan.FromSeconds(5));
                highest = Math.Max(highest, RssMb(pid));
            }
            var cpu = (CpuTicks(pid) - cpu0) / 100.0 / Stopwatch.GetElapsedTime(t0).TotalSeconds * 100;
            return (RssMb(pid), highest, cpu);
        }
        finally
        {
            lab.Stop(TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>A process's VmRSS, MB.</summary>
    private static double RssMb(int pid) => double.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
        .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;

    /// <summary>utime + stime of a process, in clock ticks (100 a second on Linux).</summary>
    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
