using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CliWrap;
using Pvc.Core.Errors;
using Pvc.Core.Storage;

namespace Pvc.NodeService.Ceph.Benchmarks;

/// <summary>
/// PVC's storage benchmark (its storage.benchmark task, TEST_FORMAT 2): a volume <c>pvcbenchmark</c> in the pool, PVC's
/// eight fio jobs against it through fio's rbd engine (librbd, no mapped device), then the volume removed. fio runs
/// through CliWrap with each option its own argv entry, the pool name checked by Pvc's rule first.
/// </summary>
public sealed class StorageBenchmark(RadosCluster cluster, string fio = "/usr/bin/fio")
{
    /// <summary>The volume PVC benchmarks on.</summary>
    public const string VolumeName = "pvcbenchmark";

    /// <summary>The result format PVC 1.0.3 writes (<c>test_format</c>).</summary>
    public const int TestFormat = 2;

    /// <summary>
    /// Runs the jobs for <paramref name="runtime"/> each (PVC: 75 s) on a volume of <paramref name="volumeBytes"/>
    /// (PVC: 64 GiB); the result has each job's fio report (its <c>jobs[0]</c>) under the job's name.
    /// </summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound"; AlreadyExists: "VolumeExists" (a benchmark runs already, or one left its volume).</exception>
    public async Task<JsonObject> RunAsync(string pool, TimeSpan runtime, long volumeBytes, Func<int, int, string, Task>? progress, CancellationToken cancellationToken)
    {
        PoolName.Validate(pool);
        progress ??= (_, _, _) => Task.CompletedTask;
        var total = StorageBenchmarkJob.All.Count + 2;
        var images = new RbdImages(cluster);
        await progress(1, total, $"Creating volume {pool}/{VolumeName}");
        await images.CreateAsync(pool, VolumeName, volumeBytes, cancellationToken);
        try
        {
            var result = new JsonObject();
            var step = 1;
            foreach (var job in StorageBenchmarkJob.All)
            {
                await progress(++step, total, $"Running fio job {job.Name}");
                result[job.Name] = await RunJobAsync(pool, job, runtime, cancellationToken);
            }
            await progress(total, total, $"Removing volume {pool}/{VolumeName}");
            return result;
        }
        finally
        {
            await images.RemoveAsync(pool, VolumeName, CancellationToken.None);
        }
    }

    private async Task<JsonNode> RunJobAsync(string pool, StorageBenchmarkJob job, TimeSpan runtime, CancellationToken cancellationToken)
    {
        var options = cluster.Options;
        var seconds = Math.Max(1, (int)Math.Ceiling(runtime.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        // fio's rbd engine takes the client's name without its "client." prefix
        var client = options.ClientName.StartsWith("client.", StringComparison.Ordinal) ? options.ClientName["client.".Length..] : options.ClientName;
        var output = new StringBuilder();
        var error = new StringBuilder();
        var result = await Cli.Wrap(fio)
            .WithArguments([
                "--name=" + job.Name, "--ioengine=rbd", "--clientname=" + client, "--pool=" + pool, "--rbdname=" + VolumeName,
                "--output-format=json", "--direct=1", "--randrepeat=1", "--numjobs=1", "--time_based", "--runtime=" + seconds,
                "--group_reporting", "--iodepth=" + job.IoDepth.ToString(CultureInfo.InvariantCulture), "--bs=" + job.BlockSize, "--readwrite=" + job.ReadWrite,
            ])
            .WithEnvironmentVariables(e =>
            {
                e.Set("CEPH_CONF", options.ConfigPath);
                if (options.KeyringPath is { } keyring)
                    e.Set("CEPH_ARGS", "--keyring=" + keyring);
            })
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(error))
            .ExecuteAsync(cancellationToken);
        if (result.ExitCode != 0)
            throw CephErrors.ToolFailed("fio " + job.Name, $"{pool}/{VolumeName}", result.ExitCode, error.ToString().Trim());
        // fio may print engine notices before its JSON
        var text = output.ToString();
        var start = text.IndexOf('{', StringComparison.Ordinal);
        var report = start >= 0 ? JsonNode.Parse(text[start..]) : null;
        return report?["jobs"]?[0]?.DeepClone() ?? throw CephErrors.ToolFailed("fio " + job.Name, $"{pool}/{VolumeName}", 0, "no job report in fio's output");
    }
}
