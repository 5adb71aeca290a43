using System.Text;
using Pvc.Core.Schema;
using Pvc.NodeService.Configuration;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Daemon;

/// <summary>The primary keeps <c>/config/migration_target_selector</c> as its configuration says (PVC's keepalive does this).</summary>
internal sealed class ClusterDefaultsDuty(ZooKeeperClient zk, NodeConfig config) : IPrimaryDuty
{
    public string Name => "cluster defaults";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(config.KeepaliveInterval);
        do
        {
            var current = await zk.GetDataAsync(BaseKeys.MigrationTargetSelector, cancellationToken: cancellationToken);
            if (Encoding.UTF8.GetString(current.Data) != config.MigrationTargetSelector)
                await zk.SetDataAsync(BaseKeys.MigrationTargetSelector, Encoding.UTF8.GetBytes(config.MigrationTargetSelector), current.Stat.Version, cancellationToken);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}
