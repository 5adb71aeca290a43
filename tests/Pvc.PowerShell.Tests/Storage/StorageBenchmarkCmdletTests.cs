using Pvc.Core.Storage;
using Pvc.Core.Tasks;

namespace Pvc.PowerShell.Tests.Storage;

/// <summary>
/// Start-PvcStorageBenchmark and Get-PvcStorageBenchmark against real Ceph and a real node service: the benchmark runs
/// as a storage.benchmark task on the primary (its jobs shortened to a second), its result is read back and shown;
/// each refusal is an ErrorRecord with its ErrorId and makes no task.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class StorageBenchmarkCmdletTests(StorageCluster cluster)
{
    private int TaskCount() => cluster.Ps.Run("Get-PvcTask").ThrowIfErrors().OutputOf<ClusterTask>().Count;

    [Fact]
    public async Task A_benchmark_runs_on_the_primary_and_is_listed_and_shown_with_its_eight_jobs()
    {
        var pool = await cluster.NewPoolAsync("bench");
        var name = Pvc.Testing.Ceph.CephLabFixture.UniqueName("job");

        var result = cluster.Ps.Run("Start-PvcStorageBenchmark $args[0] -Name $args[1] -Runtime 00:00:01 -VolumeSize 256MB -Confirm:$false -Timeout 00:05:00", pool, name)
            .ThrowIfErrors().OutputOf<StorageBenchmarkResult>().Single();

        Assert.Equal((name, pool, false, 2), (result.Job, result.Pool, result.IsRunning, result.TestFormat));
        Assert.Equal(["seq_read", "seq_write", "rand_read_4M", "rand_write_4M", "rand_read_4K", "rand_write_4K", "rand_read_4K_lowdepth", "rand_write_4K_lowdepth"],
            result.Tests.Select(t => t.Name));
        Assert.All(result.Tests, t => Assert.True(t.Iops > 0, $"{t.Name}: no IOPS ({cluster.Logs()})"));
        var task = cluster.Ps.Run("Get-PvcTask").ThrowIfErrors().OutputOf<ClusterTask>().First(t => t.Kind == ClusterTaskKinds.StorageBenchmark);
        Assert.Equal(ClusterTaskState.Success, task.State);

        Assert.Contains(name, cluster.Ps.Run("Get-PvcStorageBenchmark").ThrowIfErrors().OutputOf<StorageBenchmarkResult>().Select(b => b.Job));
        var one = cluster.Ps.Run("Get-PvcStorageBenchmark $args[0]", name).ThrowIfErrors().OutputOf<StorageBenchmarkResult>().Single();
        Assert.Equal(result.Tests.Select(t => t.Iops), one.Tests.Select(t => t.Iops));
        var table = cluster.Ps.Render("Get-PvcStorageBenchmark $args[0]", name).ThrowIfErrors().HostText;
        Assert.Contains(table.Split('\n'), l => l.StartsWith(name, StringComparison.Ordinal) && l.Contains(pool, StringComparison.Ordinal) && l.Contains("Done", StringComparison.Ordinal));
        var tests = cluster.Ps.Render("(Get-PvcStorageBenchmark $args[0]).Tests", name).ThrowIfErrors().HostText;
        Assert.Contains(tests.Split('\n'), l => l.TrimStart().StartsWith("rand_read_4K_lowdepth", StringComparison.Ordinal) && l.Contains(" read ", StringComparison.Ordinal));
        Assert.Equal("StorageBenchmarkNotFound,Pvc.PowerShell.Cmdlets.GetPvcStorageBenchmarkCommand",
            Assert.Single(cluster.Ps.Run("Get-PvcStorageBenchmark nosuchjob").Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public async Task Start_PvcStorageBenchmark_refuses_bad_requests_before_any_task_is_made()
    {
        var pool = await cluster.NewPoolAsync("bench");
        await new StorageBenchmarkHostOperations(cluster.Connection).StartAsync("taken-job", 2, pool);
        var before = TaskCount();

        foreach (var (script, errorId) in new[]
        {
            ("Start-PvcStorageBenchmark nosuchpool", "PoolNotFound"),
            ("Start-PvcStorageBenchmark $args[0] -Name 'bad/name'", "InvalidBenchmarkName"),
            ("Start-PvcStorageBenchmark $args[0] -Name taken-job", "StorageBenchmarkExists"),
            ("Start-PvcStorageBenchmark $args[0] -Runtime 00:00:00", "InvalidBenchmarkRuntime"),
            ("Start-PvcStorageBenchmark $args[0] -VolumeSize 1MB", "InvalidBenchmarkRuntime"),
        })
        {
            var error = Assert.Single(cluster.Ps.Run(script + " -Confirm:$false -NoWait", pool).Errors);
            Assert.Equal(errorId + ",Pvc.PowerShell.Cmdlets.StartPvcStorageBenchmarkCommand", error.FullyQualifiedErrorId);
        }
        Assert.Empty(cluster.Ps.Run("Start-PvcStorageBenchmark $args[0] -WhatIf", pool).ThrowIfErrors().Output);
        Assert.Equal(before, TaskCount());
        Assert.True((await cluster.Connection.StorageBenchmarks.GetAsync("taken-job")).IsRunning);
    }
}
