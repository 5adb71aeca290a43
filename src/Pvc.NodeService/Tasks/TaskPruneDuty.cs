using Microsoft.Extensions.Logging;
using Pvc.Core.Connection;
using Pvc.Core.Tasks;
using Pvc.NodeService.Daemon;

namespace Pvc.NodeService.Tasks;

/// <summary>
/// The primary's pruning of finished cluster tasks older than <c>timer.task_retention</c>: at takeover, then every
/// tenth of the retention (at most an hour apart, at least a second).
/// </summary>
internal sealed class TaskPruneDuty(ClusterConnection cluster, TimeSpan retention, ILogger log) : IPrimaryDuty
{
    public string Name => "task pruning";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var every = TimeSpan.FromTicks(Math.Clamp(retention.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerHour));
        using var timer = new PeriodicTimer(every);
        do
        {
            var pruned = await cluster.Tasks.PruneAsync(retention, cancellationToken);
            if (pruned.Count > 0)
                log.LogInformation("Pruned {Count} task(s) finished more than {Retention} ago", pruned.Count, retention);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}
