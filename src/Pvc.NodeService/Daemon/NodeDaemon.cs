using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pvc.Core.Errors;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.NodeService.Ceph;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// The node service: opens this node's hypervisor, then keeps a ZooKeeper session going, starting a new
/// <see cref="NodeSession"/> after every expiry. Losing ZooKeeper never stops running VMs.
/// </summary>
internal sealed class NodeDaemon(NodeConfig config, ILogger<NodeDaemon> log, IHostApplicationLifetime lifetime, IEnumerable<Tasks.IClusterTaskHandler> taskHandlers,
    Ceph.CephAccess ceph, Hypervisor hypervisor, Logging.ZooKeeperLogSink? zooKeeperLog = null) : BackgroundService
{
    private NodeSession? _session;
    private ClusterConnection? _cluster;

    /// <summary>The current ZooKeeper connection (null before the first; replaced after an expiry), for readers such as the metrics endpoint.</summary>
    public ClusterConnection? Cluster => _cluster;

    /// <summary>True when the service stopped on a failure (<see cref="NodeServiceFailureException"/>): it exits non-zero.</summary>
    public bool Failed { get; private set; }

    /// <summary>
    /// When a keepalive last reached ZooKeeper (the watchdog and self-fencing follow it), on the boot clock and stamped
    /// under node.run_directory, so that a restarted service goes on counting.
    /// </summary>
    public KeepaliveClock Keepalives { get; } = new(new BootTimeProvider(), Path.Combine(config.RunDirectory, "keepalive"),
        e => log.LogError("The keepalive stamp in {Directory} cannot be written ({Message}): a restart of the service would count its silence afresh", config.RunDirectory, e.Message));

    /// <summary>The nodes this service fenced and still owes a power-on, across sessions.</summary>
    private readonly Fencing.PendingPowerOns _powerOns = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // the hypervisor (a DI singleton, shared with the task handlers) is opened on first use, and again whenever
        // libvirtd went away meanwhile; the host disposes of it after this ends
        var selfFence = new Fencing.SelfFence(config, hypervisor, Keepalives, log, TimeProvider.System).RunAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    _cluster = await ClusterConnection.ConnectAsync(NodeConnection.Options(config, log), stoppingToken);
                    NodeConnection.WarnIfOpen(_cluster, config, log);
                    _session = new NodeSession(_cluster, config, hypervisor, Keepalives, _powerOns, log, [.. taskHandlers], ceph, zooKeeperLog);
                    await _session.RunAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (HypervisorUnreachableException e)
                {
                    // at registration: libvirtd is down; its VMs (if any) run on, and the node registers once it is back
                    log.LogWarning("{Message}; retrying", e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                }
                catch (Exception e) when (IsZooKeeperError(e))
                {
                    log.LogWarning("ZooKeeper at {Servers}: {Message}; retrying", config.ZooKeeper, e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                }
                catch (NodeServiceFailureException e)
                {
                    // no clean stop (it would flush the node and write it stopped): exit non-zero, and systemd starts
                    // the service again within seconds, well inside the cluster's death threshold; VMs run on
                    log.LogCritical(e, "{Message}; stopping the node service so that it is started afresh", e.Message);
                    Failed = true;
                    lifetime.StopApplication();
                    return;
                }
                finally
                {
                    if (_cluster is not null && stoppingToken.IsCancellationRequested == false)
                        await _cluster.DisposeAsync();
                }
            }
        }
        finally
        {
            await selfFence; // it uses the hypervisor, which the host closes after this returns
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var clean = false;
        if (!Failed && _session is not null && _cluster is { IsConnected: true })
        {
            try
            {
                await _session.ShutdownAsync(cancellationToken);
                clean = true;
            }
            catch (Exception e) when (e is OperationCanceledException || IsZooKeeperError(e))
            {
                log.LogWarning("Clean stop incomplete: {Message}", e.Message);
            }
        }
        await base.StopAsync(cancellationToken);
        // the stop's own lines reach the node log before the session closes
        if (zooKeeperLog is not null && _cluster is { IsConnected: true })
            await zooKeeperLog.FlushAsync(TimeSpan.FromSeconds(2));
        // the cluster knows the node stopped (nobody fences it or moves its VMs for its silence): the next start counts
        // afresh; after any other end the count goes on
        if (clean)
            Keepalives.ForgetStamp();
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }

    /// <summary>An error of the ZooKeeper client that Core let through (connection loss, expiry, ...), not one of Core's own.</summary>
    private static bool IsZooKeeperError(Exception e) => e is not PvcException && PvcException.From(e) is not null;
}
