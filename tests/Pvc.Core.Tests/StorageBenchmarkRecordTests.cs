using System.Text.Json.Nodes;
using Pvc.Core.Errors;
using Pvc.Core.Storage;

namespace Pvc.Core.Tests;

/// <summary>
/// PVC's storage_benchmarks row as Pvc stores and reads it: "Running", the result as text (as PVC's column holds it) or
/// as an object, each job's figures taken from fio's report; and the benchmark request's arguments checked on the node.
/// </summary>
public sealed class StorageBenchmarkRecordTests
{
    private static JsonObject Entry(string side, double bwKib, double iops, double latNs) =>
        new() { ["jobs"] = new JsonArray(new JsonObject { ["jobname"] = "x", [side] = new JsonObject { ["bw"] = bwKib, ["iops"] = iops, ["lat_ns"] = new JsonObject { ["mean"] = latNs } } }) };

    [Fact]
    public void A_running_row_has_no_tests_and_a_finished_one_has_each_jobs_figures()
    {
        var running = StorageBenchmarkResult.Parse("j1", StorageBenchmarkResult.Encode("j1", 2, "vms", null))!;
        Assert.True(running.IsRunning);
        Assert.Empty(running.Tests);

        var result = new JsonObject { ["seq_read"] = Entry("read", 2048, 12.5, 1_500_000), ["rand_write_4K"] = Entry("write", 40, 10, 250_000) };
        var done = StorageBenchmarkResult.Parse("j1", StorageBenchmarkResult.Encode("j1", 2, "vms", result))!;
        Assert.False(done.IsRunning);
        Assert.Equal((2, "vms"), (done.TestFormat, done.Pool));
        Assert.Equal(["seq_read", "rand_write_4K"], done.Tests.Select(t => t.Name));
        Assert.Equal(("read", 2048L * 1024, 12.5), (done["seq_read"]!.Side, done["seq_read"]!.BandwidthBytesPerSecond, done["seq_read"]!.Iops));
        Assert.Equal(TimeSpan.FromMilliseconds(1.5), done["seq_read"]!.MeanLatency);
        Assert.Equal("write", done["rand_write_4K"]!.Side);

        // a row whose result is an object (not PVC's text) reads the same; one that is not JSON is no benchmark
        var asObject = new JsonObject { ["job"] = "j1", ["test_format"] = 2, ["result"] = result.DeepClone() }.ToJsonString();
        Assert.Equal(12.5, StorageBenchmarkResult.Parse("j1", asObject)!["seq_read"]!.Iops);
        Assert.Null(StorageBenchmarkResult.Parse("j1", "not json"));
        Assert.Null(StorageBenchmarkResult.Parse("j1", ""));
    }

    [Theory]
    [InlineData("{\"pool\":\"-x\"}", "InvalidPoolName")]
    [InlineData("{\"pool\":\"vms\",\"name\":\"a/b\"}", PvcErrorIds.InvalidBenchmarkName)]
    [InlineData("{\"pool\":\"vms\",\"runtime_seconds\":0}", PvcErrorIds.InvalidBenchmarkRuntime)]
    [InlineData("{\"pool\":\"vms\",\"volume_bytes\":1}", PvcErrorIds.InvalidBenchmarkRuntime)]
    [InlineData("{\"pool\":\"vms\",\"runtime_seconds\":\"75\"}", PvcErrorIds.InvalidTaskArguments)]
    [InlineData("{}", PvcErrorIds.InvalidTaskArguments)]
    public void A_benchmark_tasks_bad_arguments_are_refused_on_the_node(string json, string errorId)
    {
        var e = Assert.Throws<PvcException>(() => StorageBenchmarkRequest.FromArguments(JsonNode.Parse(json)!.AsObject()));
        Assert.Equal(errorId, e.ErrorId);
    }

    [Fact]
    public void A_request_round_trips_through_its_arguments_and_PVCs_job_name_is_time_and_primary()
    {
        var request = StorageBenchmarkRequest.FromArguments(new StorageBenchmarkRequest("vms", "nightly", TimeSpan.FromSeconds(2.2), 1L << 30).ToArguments());
        Assert.Equal(("vms", "nightly", TimeSpan.FromSeconds(3), 1L << 30), (request.Pool, request.Name, request.Runtime, request.VolumeBytes));
        var defaults = StorageBenchmarkRequest.FromArguments(new StorageBenchmarkRequest("vms").ToArguments());
        Assert.Equal((null, TimeSpan.FromSeconds(75), 64L << 30), (defaults.Name, defaults.Runtime, defaults.VolumeBytes));
        Assert.Equal("2026-12-02T15:30:00_hv1", StorageBenchmarkName.Of(new DateTimeOffset(2026, 12, 2, 15, 30, 0, TimeSpan.Zero), "hv1"));
        Assert.True(StorageBenchmarkName.IsValid("2026-12-02T15:30:00_hv1"));
    }
}
