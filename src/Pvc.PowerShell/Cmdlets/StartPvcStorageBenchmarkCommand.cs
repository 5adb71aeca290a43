using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Runs PVC's storage benchmark on a pool (PVC's storage benchmark run), as a storage.benchmark cluster task on the
/// primary: eight fio jobs through fio's rbd engine on a pvcbenchmark volume, the result recorded as PVC does.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "PvcStorageBenchmark", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StorageBenchmarkResult), typeof(ClusterTask))]
public sealed class StartPvcStorageBenchmarkCommand : StorageTaskCmdlet
{
    /// <summary>The pool to benchmark.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string Pool { get; set; } = "";

    /// <summary>The job's name (PVC's --name); PVC's &lt;time&gt;_&lt;primary&gt; when omitted.</summary>
    [Parameter]
    public string? Name { get; set; }

    /// <summary>How long each of the eight fio jobs runs (PVC: 75 seconds).</summary>
    [Parameter]
    public TimeSpan Runtime { get; set; } = StorageBenchmarkRequest.DefaultRuntime;

    /// <summary>The size of the benchmark volume (PVC: 64 GiB).</summary>
    [Parameter]
    public long VolumeSize { get; set; } = StorageBenchmarkRequest.DefaultVolumeBytes;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryAwait(_ => Task.FromResult(new StorageBenchmarkRequest(Pool, Name, Runtime, VolumeSize)), Pool) is not { } request
            || !ShouldProcess($"pool {Pool}", "Run the eight fio jobs of PVC's storage benchmark (a heavy load on the cluster)"))
            return;
        var connection = Connection;
        Submit($"Benchmarking pool {Pool}", Pool, ClusterTaskKinds.StorageBenchmark, request.ToArguments(),
            async (_, token) =>
            {
                await connection.StorageBenchmarks.CheckStartAsync(request, token);
                return null;
            },
            async (task, token) => task.Result?["job"]?.GetValue<string>() is { } job ? await connection.StorageBenchmarks.GetAsync(job, token) : null);
    }
}
