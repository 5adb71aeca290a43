using System.Text.Json.Nodes;

namespace Pvc.NodeService.Tasks;

/// <summary>
/// Runs one kind of cluster task on a node. Registered in the node service's composition root (Program.cs), one line
/// per handler; the runner calls it for each task of its <see cref="Kind"/> routed to this node.
/// </summary>
/// <remarks>
/// A refusal is a <see cref="Core.Errors.PvcException"/>: its Kind and ErrorId travel to the client's ErrorRecord. Any
/// other exception fails the task with its message. Report progress through <see cref="ClusterTaskContext.ReportAsync"/>;
/// honour the token (the service is stopping, or the task was written off by the fencer).
/// </remarks>
public interface IClusterTaskHandler
{
    /// <summary>The kind it runs, one of <see cref="Core.Tasks.ClusterTaskKinds"/>.</summary>
    string Kind { get; }

    /// <summary>
    /// True when running it again after an interruption (its node died or its service restarted mid-way) does no harm:
    /// such a task is handed to the primary and runs again; any other is failed for a person to check.
    /// </summary>
    bool SafeToRepeat { get; }

    /// <summary>
    /// <see cref="SafeToRepeat"/> for one task's arguments: a kind whose forced form is not safe to repeat (a forced
    /// lock flush, rev14 P3-7) says so here. The default is <see cref="SafeToRepeat"/>.
    /// </summary>
    bool IsSafeToRepeat(JsonObject arguments) => SafeToRepeat;

    /// <summary>Does the work; returns the result recorded with the task (null for none).</summary>
    Task<JsonNode?> RunAsync(ClusterTaskContext context, CancellationToken ct);

    /// <summary>
    /// Called when this node's task runner starts (each node session), after the tasks an earlier run left Running were
    /// settled and before any task is claimed: a kind whose work leaves things on the node when the service is killed
    /// mid-way (an upload's scratch folder and the volume it had made) removes them here. The default does nothing.
    /// </summary>
    Task SweepAsync(Core.Connection.ClusterConnection cluster, Microsoft.Extensions.Logging.ILogger log, CancellationToken ct) => Task.CompletedTask;
}
