using System.Text;
using System.Text.Json.Nodes;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Tasks;
using Pvc.NodeService.Tasks;
using Pvc.NodeService.Tests.Cluster;
using Pvc.NodeService.Tests.Fencing;
using Pvc.NodeService.TestHandlers;
using Pvc.Testing.Lab;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Tasks;

/// <summary>
/// Cluster tasks through real node services (pvcnoded processes) that load the test handlers
/// (<see cref="TaskHandlerAssemblies"/>): routing, progress seen by a waiting client, and a node's death.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class ClusterTaskLabTests(ZooKeeperFixture zk)
{
    private static readonly Dictionary<string, string> WithTestHandlers = new()
    {
        [TaskHandlerAssemblies.Variable] = Path.Combine(AppContext.BaseDirectory, "Pvc.NodeService.TestHandlers.dll"),
    };

    private static async Task<string> PrimaryAsync(NodeServiceCluster lab) =>
        await lab.WaitAsync(BaseKeys.PrimaryNode, p => p is not ("none" or ""), "a primary elected");

    [Fact]
    public async Task A_task_runs_on_exactly_the_node_it_was_routed_to_and_a_waiting_client_sees_its_progress()
    {
        await using var lab = new NodeServiceCluster(await LabCluster.StartAsync(await zk.NewChrootAsync("tasks"), new LabClusterOptions { Environment = WithTestHandlers }));
        await lab.WaitReadyAsync();
        var primary = await PrimaryAsync(lab);
        var tasks = lab.Connection.Tasks;

        var onHv3 = await tasks.SubmitAsync(TestTaskKinds.Gated, new JsonObject { ["steps"] = 3, ["gate"] = "/gate-hv3" }, runOn: "hv3");
        var seen = new List<ClusterTaskProgress>();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wait = tasks.WaitAsync(onHv3.Id, new Reported(p =>
        {
            lock (seen)
                seen.Add(p);
            if (p.Status == "waiting for the gate")
                waiting.TrySetResult();
        }), TaskWatch.Deadline);
        await waiting.Task.WaitAsync(TaskWatch.Deadline);
        Assert.Equal(ClusterTaskState.Running, (await tasks.GetAsync(onHv3.Id)).State);
        await TaskWatch.OpenAsync(lab.Connection, "/gate-hv3");
        var done = await wait;

        Assert.Equal("hv3", done.Result!["node"]!.GetValue<string>());
        Assert.Equal(["hv3"], await TaskWatch.RunsAsync(lab.Connection, onHv3.Id));
        Assert.Equal("waiting for the gate", seen[0].Status);
        Assert.Equal((3, 3), (seen[^1].Current, seen[^1].Total)); // the last step is always seen: it is the record's final progress
        Assert.True(seen.Select(p => p.Current).SequenceEqual(seen.Select(p => p.Current).Order()), "progress only goes forward");

        var toPrimary = await tasks.WaitAsync((await tasks.SubmitAsync(TestTaskKinds.Gated, new JsonObject { ["steps"] = 1 })).Id, null, TaskWatch.Deadline);
        Assert.Equal(primary, toPrimary.Result!["node"]!.GetValue<string>());
        Assert.Equal([primary], await TaskWatch.RunsAsync(lab.Connection, toPrimary.Id));

        var refused = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, async () => await tasks.WaitAsync((await tasks.SubmitAsync(TestTaskKinds.Refuse, [], "hv2")).Id, null, TaskWatch.Deadline));
        Assert.Equal(TestTaskKinds.RefusalErrorId, refused.ErrorId);
    }

    [Fact]
    public async Task When_the_primary_dies_and_is_fenced_its_repeatable_task_runs_again_elsewhere_and_the_others_fail_with_the_reason()
    {
        await using var lab = new NodeServiceCluster(await LabCluster.StartAsync(await zk.NewChrootAsync("taskfence"), new LabClusterOptions
        {
            Fencing = HaLab.Tight,
            Environment = WithTestHandlers,
        }));
        await lab.WaitReadyAsync();
        var primary = await PrimaryAsync(lab);
        var other = primary == "hv1" ? "hv2" : "hv1";
        var tasks = lab.Connection.Tasks;
        var repeatable = await tasks.SubmitAsync(TestTaskKinds.RepeatableGated, new JsonObject { ["steps"] = 2, ["gate"] = "/gate-repeatable" });
        var unrepeatable = await tasks.SubmitAsync(TestTaskKinds.Gated, new JsonObject { ["steps"] = 2, ["gate"] = "/gate-unrepeatable" });
        var bound = await tasks.SubmitAsync(TestTaskKinds.RepeatableGated, new JsonObject { ["gate"] = "/gate-bound" }, runOn: primary);
        var pendingBehind = await tasks.SubmitAsync(TestTaskKinds.Gated, new JsonObject { ["steps"] = 1 }, runOn: other);
        foreach (var task in new[] { repeatable, unrepeatable, bound })
            await TaskWatch.UntilAsync(lab.Connection, task.Id, t => t.Progress?.Status == "waiting for the gate", $"running on {primary}", lab.Logs);

        // the primary's host loses power: its service and hypervisor die at once; the others fence it through its BMC
        var i = lab.Nodes.Select(n => n.Name).ToList().IndexOf(primary);
        lab.Nodes[i].Kill();
        lab.Hosts[i].Kill();
        await lab.WaitAsync(NodeKeys.Path(primary, NodeKeys.DaemonState), s => s == "fenced", $"{primary} fenced");

        // the fencer settles the dead node's tasks right after its VMs
        var failed = await TaskWatch.UntilAsync(lab.Connection, unrepeatable.Id, t => t.IsFinished, "failed by the fencer", lab.Logs);
        Assert.Equal((ClusterTaskState.Failure, PvcErrorIds.TaskNodeDied), (failed.State, failed.ErrorId));
        Assert.Contains($"Node {primary} died and was fenced", failed.Error, StringComparison.Ordinal);
        Assert.Contains("not safe to repeat", failed.Error, StringComparison.Ordinal);
        var boundFailed = await TaskWatch.UntilAsync(lab.Connection, bound.Id, t => t.IsFinished, "failed by the fencer", lab.Logs);
        Assert.Equal((ClusterTaskState.Failure, PvcErrorIds.TaskNodeDied), (boundFailed.State, boundFailed.ErrorId));
        Assert.Contains($"bound to {primary}", boundFailed.Error, StringComparison.Ordinal);

        var handed = await TaskWatch.UntilAsync(lab.Connection, repeatable.Id, t => t.RunOn != primary && t.Progress?.Status == "waiting for the gate", "handed over and running again", lab.Logs);
        Assert.Contains("handed to", Assert.Single(handed.History), StringComparison.Ordinal);
        await TaskWatch.OpenAsync(lab.Connection, "/gate-repeatable");
        await TaskWatch.OpenAsync(lab.Connection, "/gate-unrepeatable");
        var done = await tasks.WaitAsync(repeatable.Id, null, TaskWatch.Deadline);
        Assert.Equal((2, handed.RunOn), (done.Attempts, done.Result!["node"]!.GetValue<string>()));
        // it ran twice, and says so: once on the dead node, once where it was handed
        Assert.Equal([primary, handed.RunOn], await TaskWatch.RunsAsync(lab.Connection, repeatable.Id));
        Assert.Equal([primary], await TaskWatch.RunsAsync(lab.Connection, unrepeatable.Id));
        Assert.Equal(other, (await tasks.WaitAsync(pendingBehind.Id, null, TaskWatch.Deadline)).Result!["node"]!.GetValue<string>());
    }

    private sealed class Reported(Action<ClusterTaskProgress> report) : IProgress<ClusterTaskProgress>
    {
        public void Report(ClusterTaskProgress value) => report(value);
    }
}
