using Microsoft.Extensions.Logging;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Daemon;
using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Fencing;

/// <summary>
/// Self-fencing (PVC's suicide_intervals, which PVC 1.0.3 never reads): a node whose keepalive has not reached
/// ZooKeeper for <c>suicide_intervals</c> intervals stops every VM it runs, and keeps stopping any it finds
/// running until a keepalive gets through again.
/// </summary>
/// <remarks>
/// Why this makes recovery safe without a BMC: the fencing coordinator moves a silent node's VMs after a failed fence
/// only under failed_fence "migrate", and only once it has itself seen the node silent for suicide_intervals + 2
/// intervals. It sees a keepalive no earlier than the node wrote it, so by then the node has gone at least
/// suicide_intervals + 2 intervals without a keepalive reaching ZooKeeper; this loop looks every tenth of an interval,
/// and the node's VM instances refuse to start anything meanwhile, so its VMs were stopped more than an interval
/// before the coordinator moves them. That holds for a node cut off from ZooKeeper (a partition, a
/// dead switch) whose service still runs. It does not hold for a host whose service is hung while its hypervisor runs
/// on (nothing here runs then); only the BMC covers that, which is why failed_fence defaults to "none".
/// When ZooKeeper comes back, VMs still assigned to this node start again through the usual reconciliation.
/// </remarks>
internal sealed class SelfFence(NodeConfig config, Hypervisor hypervisor, KeepaliveClock clock, ILogger log, TimeProvider time)
{
    /// <summary>True while this node counts as cut off: self-fencing on, and no keepalive for suicide_intervals.</summary>
    public static bool IsCutOff(NodeConfig config, KeepaliveClock clock) =>
        config.Fencing.SuicideIntervals > 0 && clock.Since >= config.KeepaliveInterval * config.Fencing.SuicideIntervals;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (config.Fencing.SuicideIntervals <= 0)
            return;
        // looked at often: the fencing coordinator's margin (two intervals) must cover this delay and the stopping
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(100, config.KeepaliveInterval.TotalMilliseconds / 10)), time);
        var fenced = false;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (!IsCutOff(config, clock))
                {
                    fenced = false;
                    continue;
                }
                try
                {
                    var running = hypervisor.Domains().Where(d => d.State is Libvirt.DomainState.Running or Libvirt.DomainState.Paused or Libvirt.DomainState.Blocked).ToList();
                    if (!fenced || running.Count > 0)
                        log.LogCritical("No keepalive has reached ZooKeeper for {Seconds:0} s (suicide_intervals {Intervals}): stopping {Count} VMs on this node", clock.Since.TotalSeconds, config.Fencing.SuicideIntervals, running.Count);
                    fenced = true;
                    foreach (var domain in running)
                        hypervisor.Destroy(domain.Uuid);
                }
                catch (Exception e)
                {
                    // keep trying, whatever the error: a self-fence that gave up would leave the VMs running while they
                    // start elsewhere
                    log.LogError("Self-fencing: {Message}", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
