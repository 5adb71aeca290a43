using System.Text;
using Pvc.Core.Connection;
using Pvc.Core.Tasks;
using Pvc.NodeService.TestHandlers;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Tests.Tasks;

/// <summary>What the task tests wait for and count, on watches with a deadline.</summary>
internal static class TaskWatch
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Waits until the task's record satisfies <paramref name="done"/>.</summary>
    public static async Task<ClusterTask> UntilAsync(ClusterConnection cluster, string id, Func<ClusterTask, bool> done, string what, Func<string>? logs = null)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        ClusterTask? last = null;
        try
        {
            while (true)
            {
                var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await cluster.ZooKeeper.ExistsAsync(TaskKeys.Item(id), _ => changed.TrySetResult(), deadline.Token);
                last = await cluster.Tasks.GetAsync(id, deadline.Token);
                if (done(last))
                    return last;
                await changed.Task.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"waiting for task {id}: {what}; it is {last?.State} on {last?.RunOn} ({last?.Error})\n{logs?.Invoke()}");
        }
    }

    /// <summary>The nodes that ran the task, one entry per run (the test handlers record each).</summary>
    public static async Task<IReadOnlyList<string>> RunsAsync(ClusterConnection cluster, string id)
    {
        try
        {
            var runs = await cluster.ZooKeeper.GetChildrenAsync($"{TestTaskKinds.Runs}/{id}");
            var nodes = new List<string>();
            foreach (var run in runs.Children.Order(StringComparer.Ordinal))
                nodes.Add(Encoding.UTF8.GetString((await cluster.ZooKeeper.GetDataAsync($"{TestTaskKinds.Runs}/{id}/{run}")).Data));
            return nodes;
        }
        catch (NoNodeException)
        {
            return [];
        }
    }

    /// <summary>Opens a gated task's gate.</summary>
    public static Task OpenAsync(ClusterConnection cluster, string gate) =>
        cluster.ZooKeeper.CreateAsync(gate, ReadOnlyMemory<byte>.Empty);
}
