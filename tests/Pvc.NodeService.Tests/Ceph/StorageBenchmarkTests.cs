using System.Diagnostics;
using System.Text.Json;
using Pvc.Core.Errors;
using Pvc.NodeService.Ceph;
using Pvc.NodeService.Ceph.Benchmarks;
using Pvc.Testing.Ceph;
using Xunit.Abstractions;

namespace Pvc.NodeService.Tests.Ceph;

/// <summary>PVC's storage benchmark through fio's rbd engine against the real lab, shortened to a second a job.</summary>
[Collection(CephLabCollection.Name)]
public sealed class StorageBenchmarkTests(CephLabFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private RadosCluster? _cluster;

    private CephLab Lab => fixture.Lab;

    public async Task InitializeAsync()
    {
        await Lab.SharedPoolAsync();
        _cluster = await RadosCluster.ConnectAsync(new CephClientOptions { ConfigPath = Lab.ConfigPath, ClientName = CephLab.AdminClient });
    }

    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_eight_jobs_run_and_report_their_figures_and_the_volume_is_removed()
    {
        var steps = new List<string>();
        var timer = Stopwatch.StartNew();
        var result = await new StorageBenchmark(_cluster!).RunAsync(CephLab.SharedPool, TimeSpan.FromSeconds(1), 256L << 20,
            (_, _, s) => { steps.Add(s); return Task.CompletedTask; }, default);
        output.WriteLine($"8 jobs of 1 s: {timer.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(StorageBenchmarkJob.All.Select(j => j.Name), result.Select(p => p.Key));
        foreach (var job in StorageBenchmarkJob.All)
        {
            var report = result[job.Name]!;
            var side = job.ReadWrite.Contains("read", StringComparison.Ordinal) ? "read" : "write";
            Assert.True(report[side]!["io_bytes"]!.GetValue<long>() > 0, $"{job.Name} moved no bytes");
            Assert.True(report[side]!["iops"]!.GetValue<double>() > 0, $"{job.Name} has no IOPS");
            Assert.Equal(job.Name, report["jobname"]!.GetValue<string>());
        }
        Assert.Equal(StorageBenchmarkJob.All.Count + 2, steps.Count);
        Assert.DoesNotContain(StorageBenchmark.VolumeName, JsonSerializer.Deserialize<List<string>>(await Lab.RbdAsync(["ls", "--format", "json", CephLab.SharedPool]))!);
    }

    [Fact]
    public async Task A_pool_Ceph_does_not_have_is_refused()
    {
        var e = await Assert.ThrowsAsync<PvcException>(() => new StorageBenchmark(_cluster!).RunAsync("nosuchpool", TimeSpan.FromSeconds(1), 1L << 30, null, default));
        Assert.Equal(PvcErrorIds.PoolNotFound, e.ErrorId);
    }
}
