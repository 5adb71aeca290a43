using System.Text;
using Pvc.Core.Connection;
using Pvc.ZooKeeper;

namespace Pvc.Core.Reading;

/// <summary>
/// Waits for a znode's decoded value to satisfy a condition, on one-shot data watches (no polling), with a
/// deadline; each distinct value seen is reported to the progress callback.
/// </summary>
public static class ZnodeWaiter
{
    /// <summary>Waits until <paramref name="done"/> holds and returns that value.</summary>
    /// <param name="cluster">The connection.</param>
    /// <param name="path">The znode.</param>
    /// <param name="decode">PVC's text to the value.</param>
    /// <param name="done">The condition.</param>
    /// <param name="timeout">The deadline.</param>
    /// <param name="progress">Called with each distinct value seen.</param>
    /// <param name="missing">The exception when the znode does not exist (or goes away).</param>
    /// <param name="timedOut">The exception when the deadline passes, given the last value seen.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <param name="waitForCreation">Wait for a missing znode to be created (a node service still registering) instead of failing.</param>
    public static Task<T> WaitAsync<T>(ClusterConnection cluster, string path, Func<string, T> decode, Func<T, bool> done, TimeSpan timeout,
        Action<T>? progress, Func<Exception> missing, Func<T?, Exception> timedOut, CancellationToken cancellationToken, bool waitForCreation = false)
        where T : struct =>
        WaitAsync(cluster.ZooKeeper, path, decode, done, timeout, progress, missing, timedOut, cancellationToken, waitForCreation);

    /// <summary>As the public overload, on a session.</summary>
    /// <param name="zk">The session.</param>
    /// <param name="path">The znode.</param>
    /// <param name="decode">PVC's text to the value.</param>
    /// <param name="done">The condition.</param>
    /// <param name="timeout">The deadline.</param>
    /// <param name="progress">Called with each distinct value seen.</param>
    /// <param name="missing">The exception when the znode does not exist (or goes away).</param>
    /// <param name="timedOut">The exception when the deadline passes, given the last value seen.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <param name="waitForCreation">Wait for a missing znode to be created (a node service still registering) instead of failing.</param>
    internal static async Task<T> WaitAsync<T>(ZooKeeperClient zk, string path, Func<string, T> decode, Func<T, bool> done, TimeSpan timeout,
        Action<T>? progress, Func<Exception> missing, Func<T?, Exception> timedOut, CancellationToken cancellationToken, bool waitForCreation = false)
        where T : struct
    {
        WaitTimeout.Validate(timeout);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        T? last = null;
        try
        {
            while (true)
            {
                var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                DataResult data;
                try
                {
                    data = await zk.GetDataAsync(path, _ => changed.TrySetResult(), deadline.Token);
                }
                catch (NoNodeException) when (waitForCreation)
                {
                    if (await zk.ExistsAsync(path, _ => changed.TrySetResult(), deadline.Token) is null)
                        await changed.Task.WaitAsync(deadline.Token);
                    continue;
                }
                catch (NoNodeException)
                {
                    throw missing();
                }
                var value = decode(Encoding.UTF8.GetString(data.Data));
                if (!EqualityComparer<T?>.Default.Equals(value, last))
                {
                    progress?.Invoke(value);
                    last = value;
                }
                if (done(value))
                    return value;
                await changed.Task.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw timedOut(last);
        }
    }
}
