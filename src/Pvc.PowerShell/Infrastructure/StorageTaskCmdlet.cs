using Pvc.Core.Storage;
using Pvc.Core.Tasks;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// A storage change (pool, volume, snapshot) as a cluster task: the request is checked by Core against the cluster
/// before the task is submitted (the node checks it again against Ceph), and the finished task is written as the
/// object it made or changed, read back from the cluster.
/// </summary>
public abstract class StorageTaskCmdlet : TaskCmdlet
{
    /// <summary>Checks with <paramref name="check"/>, submits <paramref name="kind"/>, waits as the switches say, and writes <paramref name="result"/>.</summary>
    protected void Submit(string activity, string target, string kind, System.Text.Json.Nodes.JsonObject arguments,
        Func<StorageOperations, CancellationToken, Task<string?>> check, Func<ClusterTask, CancellationToken, Task<object?>>? result)
    {
        var connection = Connection;
        RunTask(activity, target, async token =>
        {
            // the check says where the task runs: null for the primary, else a node (a running VM's, for a resize)
            var runOn = await check(connection.Storage, token);
            return await connection.Tasks.SubmitAsync(kind, arguments, runOn, token);
        }, result);
    }

    /// <summary>The volume as the cluster now records it.</summary>
    protected Func<ClusterTask, CancellationToken, Task<object?>> VolumeResult(string pool, string name)
    {
        var connection = Connection;
        return async (_, token) => await connection.Volumes.GetAsync(pool, name, token);
    }

    /// <summary>The pool as the cluster now records it.</summary>
    protected Func<ClusterTask, CancellationToken, Task<object?>> PoolResult(string name)
    {
        var connection = Connection;
        return async (_, token) => await connection.Pools.GetAsync(name, token);
    }

    /// <summary>The snapshot as the cluster now records it.</summary>
    protected Func<ClusterTask, CancellationToken, Task<object?>> SnapshotResult(string pool, string volume, string name)
    {
        var connection = Connection;
        return async (_, token) => await connection.Snapshots.GetAsync(pool, volume, name, token);
    }
}
