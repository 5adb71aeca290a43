using System.Text;
using System.Text.Json.Nodes;
using Pvc.NodeService.Tasks;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.TestHandlers;

/// <summary>
/// A task that records each run (<see cref="TestTaskKinds.Runs"/>), reports "waiting" (0 of steps), waits on a watch
/// until the znode its <c>gate</c> argument names exists, then reports each of its <c>steps</c> and returns the node it
/// ran on and its attempt. The tests open the gate when they have seen what they want (no sleeps).
/// </summary>
public class GatedHandler : IClusterTaskHandler
{
    /// <inheritdoc />
    public virtual string Kind => TestTaskKinds.Gated;

    /// <inheritdoc />
    public virtual bool SafeToRepeat => false;

    /// <inheritdoc />
    public async Task<JsonNode?> RunAsync(ClusterTaskContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var zk = context.Cluster.ZooKeeper;
        foreach (var path in new[] { TestTaskKinds.Runs, $"{TestTaskKinds.Runs}/{context.Task.Id}" })
        {
            try
            {
                await zk.CreateAsync(path, ReadOnlyMemory<byte>.Empty, cancellationToken: ct);
            }
            catch (NodeExistsException)
            {
            }
        }
        await zk.CreateAsync($"{TestTaskKinds.Runs}/{context.Task.Id}/run-", Encoding.UTF8.GetBytes(context.NodeName), CreateMode.PersistentSequential, cancellationToken: ct);
        var steps = context.Arguments["steps"]?.GetValue<int>() ?? 3;
        await context.ReportAsync(0, steps, "waiting for the gate", ct);
        if (context.Arguments["gate"]?.GetValue<string>() is { } gate)
        {
            while (true)
            {
                var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (await zk.ExistsAsync(gate, _ => opened.TrySetResult(), ct) is not null)
                    break;
                await opened.Task.WaitAsync(ct);
            }
        }
        for (var i = 1; i <= steps; i++)
            await context.ReportAsync(i, steps, $"step {i} of {steps}", ct);
        return new JsonObject { ["node"] = context.NodeName, ["attempt"] = context.Task.Attempts };
    }
}
