using System.Text.Json;
using Pvc.Core.Errors;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.NodeService.Ceph.Benchmarks;
using Pvc.NodeService.Tasks;
using Pvc.NodeService.Tests.Tasks;
using Pvc.Testing.Ceph;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Ceph;

/// <summary>
/// The storage.benchmark task on a node against the real Ceph lab and a real ZooKeeper, its jobs shortened to a second:
/// the result lands under /storage_benchmarks as PVC's row (job, test_format 2, result), readable by Core; a failed
/// benchmark leaves no row and no volume; a job name taken is refused before anything runs.
/// </summary>
[Collection(CephLabCollection.Name)]
public sealed class StorageBenchmarkTaskHandlerTests(CephLabFixture fixture, ZooKeeperFixture zk) : IClassFixture<ZooKeeperFixture>, IAsyncLifetime
{
    private TaskHandlerNode? _node;

    private TaskHandlerNode Node => _node!;

    public async Task InitializeAsync() => _node = await TaskHandlerNode.StartAsync(zk, fixture.Lab);

    public async Task DisposeAsync()
    {
        if (_node is not null)
            await _node.DisposeAsync();
    }

    private ClusterTaskContext Context(StorageBenchmarkRequest request, List<ClusterTaskProgress> progress) =>
        Node.Context(TaskHandlerNode.Claimed("0000beef", ClusterTaskKinds.StorageBenchmark, request.ToArguments()), progress);

    [Fact]
    public async Task A_benchmark_runs_the_eight_jobs_and_records_PVCs_row_which_Core_reads()
    {
        var progress = new List<ClusterTaskProgress>();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var answer = await new StorageBenchmarkTaskHandler(Node.Ceph).RunAsync(
            Context(new StorageBenchmarkRequest(CephLab.SharedPool, runtime: TimeSpan.FromSeconds(1), volumeBytes: 256L << 20), progress), default);

        var job = answer!["job"]!.GetValue<string>();
        // PVC's name: <ISO time to the second>_<primary>
        Assert.EndsWith("_hv1", job, StringComparison.Ordinal);
        Assert.True(DateTimeOffset.Parse(job[..^4] + "Z", System.Globalization.CultureInfo.InvariantCulture) >= before.AddTicks(-before.Ticks % TimeSpan.TicksPerSecond));
        var row = JsonDocument.Parse(await Node.Cluster.ReadAsync(StorageBenchmarkKeys.Job(job))).RootElement;
        Assert.Equal(2, row.GetProperty("test_format").GetInt32());
        Assert.Equal(job, row.GetProperty("job").GetString());
        // PVC's result column is text holding the JSON document, each job's entry carrying fio's "jobs" array
        using var result = JsonDocument.Parse(row.GetProperty("result").GetString()!);
        Assert.Equal(StorageBenchmarkJob.All.Select(j => j.Name), result.RootElement.EnumerateObject().Select(p => p.Name));

        var read = await Node.Cluster.Connection.StorageBenchmarks.GetAsync(job);
        Assert.False(read.IsRunning);
        Assert.Equal(CephLab.SharedPool, read.Pool);
        Assert.Equal(8, read.Tests.Count);
        Assert.All(read.Tests, t => Assert.True(t.Iops > 0 && t.BandwidthBytesPerSecond > 0 && t.MeanLatency > TimeSpan.Zero, $"{t.Name} has no figures"));
        Assert.Equal("write", read["rand_write_4K_lowdepth"]!.Side);
        Assert.Equal(job, Assert.Single(await Node.Cluster.Connection.StorageBenchmarks.ListAsync()).Job);
        Assert.Equal(Enumerable.Range(1, StorageBenchmarkTaskHandler.Steps), progress.Select(p => p.Current));
        Assert.DoesNotContain(StorageBenchmark.VolumeName, await Node.SharedPoolImagesAsync());
    }

    [Fact]
    public async Task A_benchmark_of_a_pool_Ceph_does_not_have_fails_and_leaves_no_row()
    {
        var e = await Assert.ThrowsAsync<PvcException>(() => new StorageBenchmarkTaskHandler(Node.Ceph).RunAsync(
            Context(new StorageBenchmarkRequest("nosuchpool", "gone", TimeSpan.FromSeconds(1), 256L << 20), []), default));

        Assert.Equal(PvcErrorIds.PoolNotFound, e.ErrorId);
        Assert.Null(await Node.Cluster.Raw.ExistsAsync(StorageBenchmarkKeys.Job("gone")));
        Assert.Empty(await Node.Cluster.Connection.StorageBenchmarks.ListAsync());
    }

    [Fact]
    public async Task A_job_name_already_recorded_is_refused_before_any_volume_is_made()
    {
        await new StorageBenchmarkHostOperations(Node.Cluster.Connection).StartAsync("taken", 2, CephLab.SharedPool);

        var e = await Assert.ThrowsAsync<PvcException>(() => new StorageBenchmarkTaskHandler(Node.Ceph).RunAsync(
            Context(new StorageBenchmarkRequest(CephLab.SharedPool, "taken", TimeSpan.FromSeconds(1), 256L << 20), []), default));

        Assert.Equal(PvcErrorIds.StorageBenchmarkExists, e.ErrorId);
        Assert.True((await Node.Cluster.Connection.StorageBenchmarks.GetAsync("taken")).IsRunning);
        Assert.DoesNotContain(StorageBenchmark.VolumeName, await Node.SharedPoolImagesAsync());
    }
}
