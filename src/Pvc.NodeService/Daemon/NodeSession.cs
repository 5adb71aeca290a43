using Microsoft.Extensions.Logging;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Fencing;
using Pvc.Core.Networks;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Ceph;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// The node service over one ZooKeeper session: registration, keepalive, VM supervision, the coordinator election
/// and flushes. When the session expires it ends (VMs keep running) and the daemon starts a new one, which adopts
/// what runs here. Everything it reads and writes goes through Core's node-side operations.
/// </summary>
internal sealed class NodeSession(ClusterConnection cluster, NodeConfig config, Hypervisor hypervisor, KeepaliveClock keepalives, Fencing.PendingPowerOns powerOns, ILogger log,
    IReadOnlyList<Tasks.IClusterTaskHandler> taskHandlers, Ceph.CephAccess ceph, Logging.ZooKeeperLogSink? zooKeeperLog = null)
{
    private readonly NodeHostOperations _node = new(cluster, config.NodeName);
    private readonly VmSupervisor _vms = new(new VmHostOperations(cluster, config.NodeName), config, hypervisor, keepalives, log);
    private PrimaryElection? _election;
    private FlushController? _flush;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // a node the cluster wrote off (fenced, or dead with its VMs moved) stays flushed until someone readies it,
        // as PVC's does: autoready would pull its VMs straight back onto a host that just failed
        // the node log goes to ZooKeeper through this session (lines logged before it waited for it)
        zooKeeperLog?.Attach(_node);
        var before = await _node.RegisterAsync(NodeIdentity.Of(config, hypervisor, await OwnBmcIdentityAsync(cancellationToken)), cancellationToken);
        if (before is NodeDaemonState.Dead or NodeDaemonState.Fenced)
            log.LogWarning("This node was {State}: it stays flushed until it is readied (Resume-PvcNode)", Wire.DaemonState.Describe(before));
        else if (config.AutoReady)
            await _node.AutoReadyAsync(cancellationToken);
        log.LogInformation("Registered node {Node} ({Mode}) on {Hypervisor}", config.NodeName, Wire.NodeMode.Encode(config.IsCoordinator ? NodeMode.Coordinator : NodeMode.Hypervisor), hypervisor.Uri);

        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sessionWatch = new SessionWatch(cluster);
        var keepalive = new KeepaliveWriter(_node, config, hypervisor, _vms, new VmHostOperations(cluster, config.NodeName), log);
        _flush = new FlushController(cluster, _node, config, hypervisor, log);
        // the primary's network services, on a coordinator that builds networks; what a primary of this node left
        // behind when its service died without relinquishing goes before anything here can take over again
        Networks.PrimaryDhcp? primaryNetworks = null;
        // the networks built on this node: the primary's gateways and dnsmasqs wait for theirs
        var built = new Networks.BuiltNetworks();
        if (config.IsCoordinator && config.Networks.Enabled && OperatingSystem.IsLinux() && Environment.ProcessPath is { } self)
        {
            primaryNetworks = new Networks.PrimaryDhcp(new NetworkHostOperations(cluster), new Networks.IpTool(),
                new Networks.PrimaryDhcpOptions(config.RunDirectory, self, config.SourceFile ?? Configuration.NodeConfigLoader.DefaultPath)
                {
                    FloatingAddresses = config.Networks.FloatingAddresses,
                    DnsDatabase = config.DnsDatabase,
                    Built = built,
                }, log);
            await primaryNetworks.ClearStaleAsync(await cluster.Networks.ListAsync((string?)null, cancellationToken), cancellationToken);
        }
        var loops = new SessionLoops();
        var consoles = new Consoles.ConsoleLogs(new VmHostOperations(cluster, config.NodeName), config.Logging, hypervisor, log);
        loops.Add("keepalive", KeepaliveLoopAsync(keepalive, consoles, session.Token));
        loops.Add("VM supervision", _vms.RunAsync(session.Token));
        loops.Add("flush controller", _flush.RunAsync(session.Token));
        if (config.Networks.Enabled)
            loops.Add("networks", new Networks.NetworkInstances(new NetworkHostOperations(cluster), config.Networks, new Networks.IpTool(), log) { Built = built }.RunAsync(session.Token));
        var health = new Core.Health.NodeHealthHostOperations(cluster, config.NodeName);
        loops.Add("node health", new Health.NodeHealthMonitor(health, Health.HealthPluginSet.Create(config, health, log), config.MonitoringInterval, log).RunAsync(session.Token));
        DefineCephSecret();
        // the handlers' context gets the connection when Ceph answers now (the storage handlers connect on use themselves)
        var rados = await ceph.TryConnectAsync(TimeSpan.FromSeconds(5), cancellationToken);
        loops.Add("task runner", new Tasks.ClusterTaskRunner(cluster, config.NodeName, taskHandlers, rados, log, hypervisor).RunAsync(session.Token));
        if (config.IsCoordinator)
        {
            List<IPrimaryDuty> duties = [new ClusterDefaultsDuty(_node, config), new Tasks.TaskPruneDuty(cluster, config.TaskRetention, log),
                new Health.ClusterFaultDuty(cluster, config.MonitoringInterval, log)];
            if (ceph.IsConfigured)
                duties.Add(new CephStatsDuty(new Core.Storage.StorageHostOperations(cluster), ceph, config, log));
            if (primaryNetworks is not null)
                duties.Add(primaryNetworks);
            _election = new PrimaryElection(new CoordinatorHostOperations(cluster, config.NodeName), config, duties, log);
            loops.Add("primary election", _election.RunAsync(session.Token));
            var fence = new FenceOperations(cluster, config.NodeName);
            var fencer = new Fencing.NodeFencer(cluster, fence, config, new Fencing.BmcFence(new Fencing.IpmiTool { CipherSuite = config.Fencing.IpmiCipherSuite }),
                ceph.IsConfigured ? new VmDiskLocks(ceph, log) : null, powerOns, log);
            loops.Add("fence monitor", new Fencing.FenceMonitor(fence, sessionWatch, config, fencer, log, TimeProvider.System).RunAsync(session.Token));
        }
        try
        {
            var ended = loops.WhenOneEndsAsync();
            if (await Task.WhenAny(sessionWatch.Ended, ended, Task.Delay(Timeout.Infinite, cancellationToken)) == ended && !cancellationToken.IsCancellationRequested)
            {
                // every loop survives its own errors; one that ended anyway leaves the node half working (a node whose
                // election or VM supervision is gone still writes its keepalives): fail loudly instead
                var (name, error) = await ended;
                throw new NodeServiceFailureException($"The {name} loop ended while the session ran{(error is null ? "" : $": {error.Message}")}", error);
            }
        }
        finally
        {
            await session.CancelAsync();
            await loops.WhenAllEndAsync();
            await consoles.StopAllAsync();
            zooKeeperLog?.Detach(_node);
        }
        if (!cancellationToken.IsCancellationRequested)
            log.LogWarning("The ZooKeeper session ended; VMs keep running, reconnecting");
    }

    /// <summary>
    /// Gives libvirt the node's Ceph key as pvc.conf's <c>ceph.secret_uuid</c>, which VMs' RBD disks name in their
    /// <c>&lt;auth&gt;</c> (PVC's Ansible defines it; here the service does, from the node's keyring, so a key rotated in
    /// the keyring reaches libvirt at the next session). The key is never logged. A failure is logged: VMs without RBD
    /// disks run all the same.
    /// </summary>
    private void DefineCephSecret()
    {
        if (config.Ceph is not { SecretUuid: { } uuid } settings || hypervisor.IsTestDriver)
            return;
        try
        {
            hypervisor.DefineCephSecret(uuid, $"{settings.ClientName} secret", CephKeyringFile.ReadKey(settings.KeyringFile, settings.ClientName));
            log.LogInformation("Defined the libvirt Ceph secret {Uuid} from the keyring of {Client}", uuid, settings.ClientName);
        }
        catch (Exception e) when (e is LibvirtException or PvcException or IOException or UnauthorizedAccessException)
        {
            log.LogError("The libvirt Ceph secret {Uuid} could not be defined: {Message}; VMs with RBD disks will not start here", uuid, e.Message);
        }
    }

    /// <summary>The system GUID this node's own BMC (pvc.conf's) reports, recorded for the fencer; null when there is none or it did not answer.</summary>
    private async Task<Guid?> OwnBmcIdentityAsync(CancellationToken cancellationToken)
    {
        if (Fencing.BmcAddress.FromKeys(config.IpmiHostname, config.IpmiUsername, config.IpmiPassword) is not { } bmc)
            return null;
        var guid = await new Fencing.IpmiTool { CipherSuite = config.Fencing.IpmiCipherSuite }.SystemGuidAsync(bmc, cancellationToken);
        if (guid is null)
            log.LogWarning("This node's BMC {Bmc} did not report its system GUID: the one recorded before (if any) stays what a fencer checks it against", bmc);
        // a BMC that answers as another node's (a pvc.conf copied from that node) is not this node's: recorded here, it
        // would make that node's identity ambiguous, and the fencer refuses to fence either through it
        else if ((await new FenceOperations(cluster, config.NodeName).ReadBmcIdentitiesAsync(cancellationToken))
                 .FirstOrDefault(r => r.Key != config.NodeName && Fencing.BmcIdentity.Decode(r.Value) == guid) is { Key: { } other })
        {
            log.LogError("This node's BMC {Bmc} answers as node {Other}'s (system GUID {Guid}): it is not recorded as this node's, and this node cannot be fenced through it; correct fencing.ipmi in pvc.conf", bmc, other, Fencing.BmcIdentity.Encode(guid.Value));
            return null;
        }
        return guid;
    }

    private async Task KeepaliveLoopAsync(KeepaliveWriter keepalive, Consoles.ConsoleLogs consoles, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(config.KeepaliveInterval);
        do
        {
            try
            {
                var running = await keepalive.WriteAsync(cancellationToken);
                keepalives.Record();
                _vms.Reconcile(running); // PVC's keepalive restarts crashed VMs
                // the cluster VMs running here get their console logged, those gone stop
                var names = _vms.Snapshot().ToDictionary(k => k.Uuid, k => k.Name);
                consoles.Reconcile([.. running.Where(names.ContainsKey).Select(u => (u, names[u]))], cancellationToken);
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
        await _node.MarkStoppingAsync(cancellationToken);
        if (config.FlushOnStop && _flush is not null)
        {
            log.LogInformation("Draining before stop");
            // one pass: a VM that cannot move must not hold the stop up (the node stays "flush", and the flush goes on
            // when the service runs again)
            await _flush.FlushBeforeStopAsync(cancellationToken);
        }
        if (_election is not null)
            await _election.HandOverAsync(cancellationToken);
        await _node.MarkStoppedAsync(cancellationToken);
    }
}
