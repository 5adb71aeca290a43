using System.Text.Json.Nodes;
using Pvc.NodeService.Tasks;

namespace Pvc.NodeService.TestHandlers;

/// <summary>Fails every task with an exception that is not a PvcException (a bug in a handler).</summary>
public sealed class CrashingHandler : IClusterTaskHandler
{
    /// <inheritdoc />
    public string Kind => TestTaskKinds.Crash;

    /// <inheritdoc />
    public bool SafeToRepeat => false;

    /// <inheritdoc />
    public Task<JsonNode?> RunAsync(ClusterTaskContext context, CancellationToken ct) =>
        throw new InvalidOperationException("the test handler crashed");
}
