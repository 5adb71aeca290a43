using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Gets the cluster's storage benchmark results (PVC's storage benchmark list and info): each job, running or finished,
/// with its eight fio jobs' figures in Tests.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PvcStorageBenchmark")]
[OutputType(typeof(StorageBenchmarkResult))]
public sealed class GetPvcStorageBenchmarkCommand : ClusterCmdlet
{
    /// <summary>Job names; wildcards allowed. All benchmarks, newest first, when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Job { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() =>
        WriteMatching<StorageBenchmarkResult>(Job, (pattern, token) => Connection.StorageBenchmarks.ListAsync(pattern, token),
            "storage benchmark", "StorageBenchmarkNotFound");
}
