using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// What happens to a lab node that nobody breaks on purpose: a node whose power is on boots (a fenced node the BMC
/// powered on again, a crash that ended); and, once the faults are healed, what an administrator does after an
/// incident: every node that runs but is flushed (a fenced node comes back flushed) is readied (Resume-PvcNode).
/// </summary>
internal sealed class ClusterOperator(NemesisLab lab, NemesisLog log)
{
    /// <summary>How often down nodes are looked at: a boot is seconds, a second's delay is a real boot's.</summary>
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    /// <summary>Boots down nodes whose power is on, every second, until <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Period);
        do
            await BootDownNodesAsync();
        while (await timer.WaitForNextTickAsync(stop).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default));
    }

    /// <summary>Boots each node that is down, not held down by a fault, and powered on.</summary>
    public async Task BootDownNodesAsync()
    {
        foreach (var node in lab.Nodes.Where(n => n.IsDown && !n.IsHeldDown))
        {
            try
            {
                await node.BootAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                log.Line($"{node.Name}: boot failed: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    /// <summary>Readies every node that runs but is flushed or flushing.</summary>
    public async Task ReadyFlushedNodesAsync()
    {
        var ops = new NodeOperations(lab.Connection);
        try
        {
            foreach (var node in await ops.ListAsync())
            {
                if (node.DaemonState == NodeDaemonState.Run && node.DomainState is NodeDomainState.Flushed or NodeDomainState.Flush)
                {
                    log.Line($"operator: readying {node.Name} ({node.DomainState})");
                    await ops.ReadyAsync(node.Name);
                }
            }
        }
        catch (Exception e) when (e is PvcException or ZooKeeperException)
        {
            log.Line($"operator: readying failed: {e.Message}");
        }
    }
}
