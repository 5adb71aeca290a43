using System.Text;
using Microsoft.Extensions.Logging;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Schema;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Libvirt;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// The node service over one ZooKeeper session: registration, keepalive, VM supervision, the coordinator election
/// and flushes. When the session expires it ends (VMs keep running) and the daemon starts a new one, which adopts
/// what runs here.
/// </summary>
internal sealed class NodeSession(ClusterConnection cluster, NodeConfig config, Hypervisor hypervisor, KeepaliveClock keepalives, ILogger log)
{
    private readonly VmSupervisor _vms = new(cluster.ZooKeeper, config, hypervisor, keepalives, log);
    private PrimaryElection? _election;
    private FlushController? _flush;

    private ZooKeeperClient Zk => cluster.ZooKeeper;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // a node the cluster wrote off (fenced, or dead with its VMs moved) stays flushed until someone readies it,
        // as PVC's does: autoready would pull its VMs straight back onto a host that just failed
        var before = await NodeRegistration.RegisterAsync(Zk, config, hypervisor, cancellationToken);
        if (before is "dead" or "fenced")
            log.LogWarning("This node was {State}: it stays flushed until it is readied (Resume-PvcNode)", before);
        else if (config.AutoReady)
        {
            var state = await Zk.GetDataAsync(NodeKeys.Path(config.NodeName, NodeKeys.DomainState), cancellationToken: cancellationToken);
            if (Encoding.UTF8.GetString(state.Data) is "flushed")
                await Zk.SetDataAsync(NodeKeys.Path(config.NodeName, NodeKeys.DomainState), "unflush"u8.ToArray(), state.Stat.Version, cancellationToken);
        }
        log.LogInformation("Registered node {Node} ({Mode}) on {Hypervisor}", config.NodeName, config.IsCoordinator ? "coordinator" : "hypervisor", hypervisor.Uri);

        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var expired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnState(object? sender, ZooKeeperStateChangedEventArgs e)
        {
            if (e.Current is ZooKeeperState.Expired or ZooKeeperState.Closed)
                expired.TrySetResult();
        }
        Zk.StateChanged += OnState;
        var keepalive = new KeepaliveWriter(Zk, config, hypervisor, _vms);
        _flush = new FlushController(cluster, config, hypervisor, log);
        var loops = new SessionLoops();
        loops.Add("keepalive", KeepaliveLoopAsync(keepalive, session.Token));
        loops.Add("VM supervision", _vms.RunAsync(session.Token));
        loops.Add("flush", _flush.RunAsync(session.Token));
        if (config.IsCoordinator)
        {
            _election = new PrimaryElection(Zk, config, [new ClusterDefaultsDuty(Zk, config)], log);
            loops.Add("primary election", _election.RunAsync(session.Token));
            var fencer = new Fencing.NodeFencer(cluster, config, new Fencing.BmcFence(new Fencing.IpmiTool { CipherSuite = config.Fencing.IpmiCipherSuite }), log);
            loops.Add("fence monitor", new Fencing.FenceMonitor(Zk, config, fencer, log, TimeProvider.System).RunAsync(session.Token));
        }
        try
        {
            var ended = loops.WhenOneEndsAsync();
            if (await Task.WhenAny(expired.Task, ended, Task.Delay(Timeout.Infinite, cancellationToken)) == ended && !cancellationToken.IsCancellationRequested)
            {
                // every loop survives its own errors; one that ended anyway leaves the node half working (a node whose
                // election or VM supervision is gone still writes its keepalives): fail loudly instead
                var (name, error) = await ended;
                throw new NodeServiceFailureException($"The {name} loop ended while the session ran{(error is null ? "" : $": {error.Message}")}", error);
            }
        }
        finally
        {
            Zk.StateChanged -= OnState;
            await session.CancelAsync();
            await loops.WhenAllEndAsync();
        }
        if (!cancellationToken.IsCancellationRequested)
            log.LogWarning("The ZooKeeper session ended; VMs keep running, reconnecting");
    }

    private async Task KeepaliveLoopAsync(KeepaliveWriter keepalive, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(config.KeepaliveInterval);
        do
        {
            try
            {
                var running = await keepalive.WriteAsync(cancellationToken);
                keepalives.Record();
                _vms.Reconcile(running); // PVC's keepalive restarts crashed VMs

            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                log.LogWarning("Keepalive failed: {Message}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default));
    }

    /// <summary>A clean stop: drain first when configured, hand over the primary role, then daemon state shutdown and stop.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        var daemonState = NodeKeys.Path(config.NodeName, NodeKeys.DaemonState);
        await Zk.SetDataAsync(daemonState, "shutdown"u8.ToArray(), cancellationToken: cancellationToken);
        if (config.FlushOnStop && _flush is not null)
        {
            log.LogInformation("Draining before stop");
            // one pass: a VM that cannot move must not hold the stop up (the node stays "flush", and the flush goes on
            // when the service runs again)
            await _flush.FlushAsync(cancellationToken, retry: false);
        }
        if (_election is not null)
            await _election.HandOverAsync(cancellationToken);
        await Zk.SetDataAsync(daemonState, "stop"u8.ToArray(), cancellationToken: cancellationToken);
    }
}
