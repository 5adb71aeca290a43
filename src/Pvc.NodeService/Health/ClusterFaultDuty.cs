using Microsoft.Extensions.Logging;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Faults;
using Pvc.NodeService.Daemon;

namespace Pvc.NodeService.Health;

/// <summary>
/// The primary's cluster fault checks (PVC's pvchealthd run_faults, only on the primary): every monitoring interval
/// the checks of <see cref="ClusterFaultChecks"/> run and each fault found is raised, or its last report renewed. A round
/// that fails is logged (once per different failure) and the next one tries again.
/// </summary>
internal sealed class ClusterFaultDuty(ClusterConnection cluster, TimeSpan interval, ILogger log) : IPrimaryDuty
{
    private string? _lastError;

    public string Name => "cluster fault checks";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                var found = await ClusterFaultChecks.RunAsync(cluster, cancellationToken);
                foreach (var fault in found)
                    await cluster.Faults.RaiseAsync(fault.Id, fault.HealthDelta, fault.Message, cancellationToken);
                log.LogDebug("Fault check: {Count} fault(s)", found.Count);
                _lastError = null;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is PvcException or Pvc.ZooKeeper.ZooKeeperException or TimeoutException)
            {
                if (e.Message != _lastError)
                    log.LogWarning("Fault check not finished: {Message}", e.Message);
                _lastError = e.Message;
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}
