using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;

namespace Pvc.Core.Storage;

/// <summary>Reads the cluster's storage benchmark results (PVC's <c>storage benchmark list/info</c>) in two round trips.</summary>
public sealed class StorageBenchmarkReader(ClusterConnection cluster)
{
    /// <summary>The benchmarks, newest job name first (PVC's names begin with their time); with a pattern, those whose name matches it.</summary>
    public async Task<IReadOnlyList<StorageBenchmarkResult>> ListAsync(LimitPattern? pattern = null, CancellationToken cancellationToken = default)
    {
        var zk = cluster.ZooKeeper;
        var batch = new ZnodeBatch(zk).Children(StorageBenchmarkKeys.Root);
        await batch.ReadAsync(cancellationToken);
        var jobs = (batch.ChildrenOf(StorageBenchmarkKeys.Root) ?? [])
            .Where(StorageBenchmarkName.IsValid)
            .Where(j => pattern is null || pattern.IsMatch(j))
            .OrderDescending(StringComparer.Ordinal)
            .ToList();
        var rows = new ZnodeBatch(zk);
        foreach (var job in jobs)
            rows.Data(StorageBenchmarkKeys.Job(job));
        await rows.ReadAsync(cancellationToken);
        return [.. jobs.Select(j => StorageBenchmarkResult.Parse(j, rows.Text(StorageBenchmarkKeys.Job(j)))).OfType<StorageBenchmarkResult>()];
    }

    /// <summary>The benchmark of this job name.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidBenchmarkName"; NotFound: "StorageBenchmarkNotFound".</exception>
    public async Task<StorageBenchmarkResult> GetAsync(string job, CancellationToken cancellationToken = default)
    {
        var path = StorageBenchmarkKeys.Job(job);
        var batch = new ZnodeBatch(cluster.ZooKeeper).Data(path);
        await batch.ReadAsync(cancellationToken);
        return StorageBenchmarkResult.Parse(job, batch.Text(path))
            ?? throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.StorageBenchmarkNotFound, $"No storage benchmark named '{job}' is recorded.") { Target = job };
    }

    /// <summary>
    /// storage.benchmark's check before its task is submitted: the pool exists, and a job name given is free.
    /// </summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound"; AlreadyExists: "StorageBenchmarkExists".</exception>
    public async Task CheckStartAsync(StorageBenchmarkRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await cluster.Pools.GetAsync(request.Pool, cancellationToken);
        if (request.Name is { } name && await cluster.ZooKeeper.ExistsAsync(StorageBenchmarkKeys.Job(name), cancellationToken: cancellationToken) is not null)
            throw StorageBenchmarkHostOperations.Exists(name);
    }
}
