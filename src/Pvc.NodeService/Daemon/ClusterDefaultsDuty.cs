using Pvc.Core.Nodes;
using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Daemon;

/// <summary>The primary keeps <c>/config/migration_target_selector</c> as its configuration says (PVC's keepalive does this).</summary>
internal sealed class ClusterDefaultsDuty(NodeHostOperations node, NodeConfig config) : IPrimaryDuty
{
    public string Name => "cluster defaults";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(config.KeepaliveInterval);
        do
        {
            await node.EnsureMigrationTargetSelectorAsync(config.MigrationTargetSelector, cancellationToken);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}
