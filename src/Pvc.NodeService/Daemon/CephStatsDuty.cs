using Microsoft.Extensions.Logging;
using Pvc.Core.Storage;
using Pvc.NodeService.Ceph;
using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// The primary's Ceph stats, each keepalive interval (PVC's keepalive Ceph thread): <c>/ceph</c>, <c>/ceph/health</c>,
/// <c>/ceph/util</c>, the stats of every pool and OSD the cluster records, in one transaction. A round that fails
/// (Ceph unreachable) is logged and the next one tries again; the keys keep their last values meanwhile.
/// </summary>
internal sealed class CephStatsDuty(StorageHostOperations storage, CephAccess ceph, NodeConfig config, ILogger log) : IPrimaryDuty
{
    private string? _lastError;

    public string Name => "Ceph stats";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(config.KeepaliveInterval);
        do
        {
            // one round may not outlast the interval by much: librados' own deadline is the client's operation timeout
            using var round = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            round.CancelAfter(config.KeepaliveInterval * 3);
            try
            {
                var cluster = await ceph.ConnectAsync(round.Token);
                var report = await new CephStatsCollector(cluster).CollectAsync(withOsds: true, round.Token);
                await storage.WriteStatsAsync(report, round.Token);
                if (_lastError is not null)
                    log.LogInformation("Ceph stats written again");
                _lastError = null;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // said once per different failure: a Ceph outage must not fill the log every interval
                var message = e is OperationCanceledException ? "Ceph did not answer within the round's deadline" : e.Message;
                if (message != _lastError)
                    log.LogWarning("Ceph stats not written: {Message}", message);
                _lastError = message;
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}
