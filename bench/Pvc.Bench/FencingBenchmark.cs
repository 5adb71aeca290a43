using System.Diagnostics;
using System.Globalization;
using System.Text;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Nodes;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Lab;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Bench;

/// <summary>
/// Recovery time: from SIGKILL of a node (its service and its hypervisor) until all its VMs are reported "start" on
/// other nodes, and until those nodes report them running; three nodes with libvirtd test-driver hypervisors and
/// ipmi_sim BMCs, at PVC's default intervals and at the tight ones.
/// </summary>
internal static class FencingBenchmark
{
    private sealed record Setting(string Name, int Keepalive, int FenceIntervals, int SavingThrows);

    public static async Task RunAsync(int runs)
    {
        Console.WriteLine();
        Console.WriteLine("## Recovery after a node dies (SIGKILL of its service and hypervisor; 4 VMs on it)");
        await using var server = await ZooKeeperServer.StartStandaloneAsync(ZooKeeperServer.ProductionJvmOptions);
        Console.WriteLine();
        Console.WriteLine("| setting | runs | reported start elsewhere, median (min-max) | running elsewhere, median |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var setting in new[] { new Setting("tight: keepalive 1 s, fence_intervals 3, saving_throws 2", 1, 3, 2), new Setting("PVC defaults: keepalive 5 s, fence_intervals 6, saving_throws 6", 5, 6, 6) })
        {
            var reported = new List<double>();
            var running = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var (r, u) = await OnceAsync(server.Endpoint, setting);
                reported.Add(r);
                running.Add(u);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {setting.Name} run {i + 1}: {r:0.00} s / {u:0.00} s"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {setting.Name} | {runs} | {Median(reported):0.00} s ({reported.Min():0.00}-{reported.Max():0.00}) | {Median(running):0.00} s |"));
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static async Task<(double Reported, double Running)> OnceAsync(string endpoint, Setting setting)
    {
        var fencing = $"""
              intervals:
                fence_intervals: {setting.FenceIntervals}
                saving_throws: {setting.SavingThrows}
            """;
        await using var lab = await LabCluster.StartAsync(await ZooKeeperChroot.CreateAsync(endpoint, "fence-bench"),
            new LabClusterOptions { Name = "bench", Fencing = fencing, KeepaliveSeconds = setting.Keepalive });
        var cluster = lab.Connection;
        await lab.WaitReadyAsync();
        var vms = await lab.StartVmsAsync(Enumerable.Range(0, 4).Select(i => new LabVm($"vm{i}", "hv3")), TimeSpan.FromSeconds(60));
        // a keepalive or two after start, so that the kill does not land on a node that just wrote its first
        await Task.Delay(TimeSpan.FromSeconds(setting.Keepalive * 2));

        var t0 = Stopwatch.GetTimestamp();
        lab.Nodes[2].Kill();
        lab.Hosts[2].Kill();
        var deadline = TimeSpan.FromMinutes(5);
        foreach (var vm in vms)
        {
            await ZnodeWait(cluster, DomainKeys.Path(vm.Uuid, DomainKeys.Node), n => n != "hv3", deadline);
            await ZnodeWait(cluster, DomainKeys.Path(vm.Uuid, DomainKeys.State), s => s == "start", deadline);
        }
        var reported = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        foreach (var vm in vms)
        {
            var target = Encoding.UTF8.GetString((await cluster.ZooKeeper.GetDataAsync(DomainKeys.Path(vm.Uuid, DomainKeys.Node))).Data);
            await ZnodeWait(cluster, NodeKeys.Path(target, NodeKeys.RunningDomains), t => PvcList.DecodeSpace(t).Contains(DomainKeys.Format(vm.Uuid)), deadline);
        }
        return (reported, Stopwatch.GetElapsedTime(t0).TotalSeconds);
    }

    private readonly record struct Text(string Value);

    /// <summary>Waits on watches until a znode's text satisfies the condition.</summary>
    private static Task ZnodeWait(ClusterConnection cluster, string path, Func<string, bool> done, TimeSpan deadline) =>
        ZnodeWaiter.WaitAsync(cluster, path, t => new Text(t), t => done(t.Value), deadline, null,
            () => new InvalidOperationException($"{path} does not exist"), last => new TimeoutException($"{path} is still '{last?.Value}'"), CancellationToken.None);
}
