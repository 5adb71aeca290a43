using Pvc.Core.Health;

namespace Pvc.NodeService.Health.Plugins;

/// <summary>
/// PVC's <c>zkpr</c> plugin: reading <c>/schema/version</c> from ZooKeeper within 2 s, else 50. It applies on
/// coordinators (which run ZooKeeper's servers), as PVC's checks the coordinator's own server.
/// </summary>
internal sealed class ZooKeeperHealthPlugin(NodeHealthHostOperations node, bool isCoordinator) : IHealthPlugin
{
    /// <summary>PVC's delta for an unreachable ZooKeeper.</summary>
    public const int UnreachableDelta = 50;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    public string Name => "zookeeper";

    public Task<string?> SetupAsync(CancellationToken cancellationToken) =>
        Task.FromResult(isCoordinator ? null : "this node is not a coordinator (no ZooKeeper server runs here)");

    public async Task<HealthPluginOutcome> RunAsync(CancellationToken cancellationToken) =>
        await node.ProbeZooKeeperAsync(Deadline, cancellationToken) is { } failure
            ? new HealthPluginOutcome(UnreachableDelta, $"ZooKeeper did not answer: {failure}")
            : new HealthPluginOutcome(0, "ZooKeeper answers");
}
