using System.Text.Json.Nodes;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.NodeService.Tasks;

namespace Pvc.NodeService.Ceph.Benchmarks;

/// <summary>
/// PVC's storage.benchmark task on the primary: the job recorded as "Running" under <c>/storage_benchmarks</c>, PVC's
/// eight fio jobs run on a <c>pvcbenchmark</c> volume of the pool (<see cref="StorageBenchmark"/>), then the result
/// document written in PVC's format 2 (each job's entry <c>{"jobs": [fio's job report]}</c>); a failed benchmark's row
/// is removed, as PVC's cleanup does. Not safe to repeat after an interruption: its volume may be left for a person.
/// </summary>
public sealed class StorageBenchmarkTaskHandler(CephAccess ceph, string fio = "/usr/bin/fio") : IClusterTaskHandler
{
    /// <inheritdoc />
    public string Kind => ClusterTaskKinds.StorageBenchmark;

    /// <inheritdoc />
    public bool SafeToRepeat => false;

    /// <summary>The steps reported: recording, the volume, the eight jobs, its removal, the result.</summary>
    public static int Steps => StorageBenchmarkJob.All.Count + 4;

    /// <inheritdoc />
    public async Task<JsonNode?> RunAsync(ClusterTaskContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = StorageBenchmarkRequest.FromArguments(context.Arguments);
        var job = request.Name ?? StorageBenchmarkName.Of(DateTimeOffset.UtcNow, context.NodeName);
        var cluster = await ceph.ConnectAsync(ct);
        var records = new StorageBenchmarkHostOperations(context.Cluster);
        await context.ReportAsync(1, Steps, $"Recording storage benchmark '{job}' on pool '{request.Pool}' as running", ct);
        await records.StartAsync(job, StorageBenchmark.TestFormat, request.Pool, ct);
        try
        {
            var reports = await new StorageBenchmark(cluster, fio).RunAsync(request.Pool, request.Runtime, request.VolumeBytes,
                (step, _, status) => context.ReportAsync(step + 1, Steps, status, ct), ct);
            var result = new JsonObject();
            foreach (var (name, report) in reports)
                result[name] = new JsonObject { ["jobs"] = new JsonArray(report?.DeepClone()) };
            await context.ReportAsync(Steps, Steps, $"Storing the results of '{job}'", ct);
            await records.FinishAsync(job, StorageBenchmark.TestFormat, request.Pool, result, ct);
        }
        catch
        {
            await records.ForgetAsync(job, CancellationToken.None);
            throw;
        }
        return new JsonObject { ["job"] = job, ["pool"] = request.Pool };
    }
}
