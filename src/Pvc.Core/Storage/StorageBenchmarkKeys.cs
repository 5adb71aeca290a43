namespace Pvc.Core.Storage;

/// <summary>
/// Where storage benchmark results live: <c>/storage_benchmarks/&lt;job&gt;</c>, a root key beside PVC's schema v15 keys
/// (PVC's readers and its schema validation look only at the keys they know). PVC keeps them as rows of its API
/// database's <c>storage_benchmarks</c> table (id, job, test_format, result); Pvc has no such database, so each row is a
/// znode whose data is that row as JSON: <c>{"id", "job", "test_format", "pool", "result"}</c>, result being the text
/// "Running" while the benchmark runs, then PVC's result document.
/// </summary>
public static class StorageBenchmarkKeys
{
    /// <summary>The root.</summary>
    public const string Root = "/storage_benchmarks";

    /// <summary>A benchmark's znode.</summary>
    public static string Job(string job)
    {
        StorageBenchmarkName.Validate(job);
        return $"{Root}/{job}";
    }
}
