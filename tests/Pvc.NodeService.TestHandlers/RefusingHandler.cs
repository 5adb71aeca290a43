using System.Text.Json.Nodes;
using Pvc.Core.Errors;
using Pvc.NodeService.Tasks;

namespace Pvc.NodeService.TestHandlers;

/// <summary>Refuses every task with a PvcException (InvalidArgument, <see cref="TestTaskKinds.RefusalErrorId"/>), as a handler refuses bad input.</summary>
public sealed class RefusingHandler : IClusterTaskHandler
{
    /// <inheritdoc />
    public string Kind => TestTaskKinds.Refuse;

    /// <inheritdoc />
    public bool SafeToRepeat => true;

    /// <inheritdoc />
    public Task<JsonNode?> RunAsync(ClusterTaskContext context, CancellationToken ct) =>
        throw new PvcException(PvcErrorKind.InvalidArgument, TestTaskKinds.RefusalErrorId, "The test handler refuses this task, as a real one refuses bad input.")
        {
            // what the refused work left behind, recorded as the failed task's result
            Detail = new JsonObject { ["left"] = "as it was" },
        };
}
