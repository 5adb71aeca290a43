using System.Text;
using System.Text.Json.Nodes;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.ZooKeeper;

namespace Pvc.Core.Storage;

/// <summary>
/// What the primary writes while it runs a storage benchmark, as PVC writes its <c>storage_benchmarks</c> row: the job
/// with the result "Running" when it starts, the result document when it ends, the row removed when it fails.
/// </summary>
public sealed class StorageBenchmarkHostOperations(ClusterConnection cluster)
{
    /// <summary>Records the job as running (format <paramref name="testFormat"/>), making the root key when missing, in one transaction.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidBenchmarkName"; AlreadyExists: "StorageBenchmarkExists".</exception>
    public async Task StartAsync(string job, int testFormat, string pool, CancellationToken cancellationToken = default)
    {
        var path = StorageBenchmarkKeys.Job(job);
        var zk = cluster.ZooKeeper;
        var ops = new List<Op>();
        if (await zk.ExistsAsync(StorageBenchmarkKeys.Root, cancellationToken: cancellationToken) is null)
            ops.Add(Op.Create(StorageBenchmarkKeys.Root, ReadOnlyMemory<byte>.Empty));
        ops.Add(Op.Create(path, Encoding.UTF8.GetBytes(StorageBenchmarkResult.Encode(job, testFormat, pool, null))));
        try
        {
            await zk.MultiAsync(ops, cancellationToken);
        }
        catch (NodeExistsException)
        {
            if (await zk.ExistsAsync(path, cancellationToken: cancellationToken) is not null)
                throw Exists(job);
            // another benchmark made the root meanwhile
            await zk.CreateAsync(path, Encoding.UTF8.GetBytes(StorageBenchmarkResult.Encode(job, testFormat, pool, null)), cancellationToken: cancellationToken);
        }
    }

    /// <summary>Writes the job's result document.</summary>
    public async Task FinishAsync(string job, int testFormat, string pool, JsonObject result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        await cluster.ZooKeeper.SetDataAsync(StorageBenchmarkKeys.Job(job), Encoding.UTF8.GetBytes(StorageBenchmarkResult.Encode(job, testFormat, pool, result)), cancellationToken: cancellationToken);
    }

    /// <summary>Removes the job's row (PVC's cleanup of a failed benchmark); a row not there is no error.</summary>
    public async Task ForgetAsync(string job, CancellationToken cancellationToken = default)
    {
        try
        {
            await cluster.ZooKeeper.DeleteAsync(StorageBenchmarkKeys.Job(job), cancellationToken: cancellationToken);
        }
        catch (NoNodeException)
        {
        }
    }

    internal static PvcException Exists(string job) =>
        new(PvcErrorKind.AlreadyExists, PvcErrorIds.StorageBenchmarkExists, $"A storage benchmark named '{job}' is recorded already; choose another -Name.") { Target = job };
}
