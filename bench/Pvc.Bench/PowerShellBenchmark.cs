using System.Diagnostics;
using System.Globalization;
using Pvc.Testing.PowerShell;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Bench;

/// <summary>The module in the hosted PowerShell engine: Import-Module time, and Get-PvcVm on 1,000 VMs over a warm connection.</summary>
internal static class PowerShellBenchmark
{
    public static async Task RunAsync(int runs)
    {
        Console.WriteLine();
        Console.WriteLine($"## Pvc module in the PowerShell 7.6 engine ({runs} runs; median)");
        var imports = new List<double>();
        double first = 0;
        for (var run = 0; run <= runs; run++)
        {
            using var ps = PowerShellSession.Open(importModule: false);
            var t0 = Stopwatch.GetTimestamp();
            ps.Run("Import-Module -Name $args[0] -ErrorAction Stop", PowerShellSession.ModuleManifest).ThrowIfErrors();
            var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (run == 0)
                first = ms;
            else
                imports.Add(ms);
        }

        await using var server = await ZooKeeperServer.StartStandaloneAsync(ZooKeeperServer.ProductionJvmOptions);
        await using (var raw = await ZooKeeperClient.ConnectAsync(server.Endpoint))
        {
            await PvcSeed.ClusterAsync(raw);
            await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => PvcSeed.AddVmAsync(raw, $"vm{i:D4}", $"hv{i % 3 + 1}")));
        }
        using var session = PowerShellSession.Open();
        session.Run("Connect-PvcCluster $args[0] | Out-Null", server.Endpoint).ThrowIfErrors();
        var lists = new List<double>();
        for (var run = -3; run < runs * 4; run++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var count = session.Run("(Get-PvcVm).Count").ThrowIfErrors().OutputOf<int>().Single();
            if (count != 1000)
                throw new InvalidOperationException($"Get-PvcVm returned {count} VMs");
            if (run >= 0)
                lists.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        Console.WriteLine();
        Console.WriteLine("| measure | median ms | min ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Import-Module Pvc, first in the process (assemblies load) | {first:0.0} | | |"));
        Console.WriteLine(Row("Import-Module Pvc, new runspace, process warm", imports));
        Console.WriteLine(Row("Get-PvcVm, 1,000 VMs, warm connection", lists));
    }

    private static string Row(string label, List<double> samples)
    {
        var sorted = samples.Order().ToList();
        return string.Create(CultureInfo.InvariantCulture, $"| {label} | {sorted[sorted.Count / 2]:0.0} | {sorted[0]:0.0} | {sorted[^1]:0.0} |");
    }
}
