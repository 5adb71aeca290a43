using System.Text;
using Microsoft.Extensions.Logging;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Libvirt;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// Drains and refills this node when its domain state says so (PVC's flush and unflush), event-driven: each VM's
/// migration is followed on a watch, with up to <c>node.flush_concurrency</c> at once, instead of PVC's fixed polling
/// and strictly serial waits. A new request (flush during unflush, or the reverse) cancels the one running.
/// </summary>
internal sealed class FlushController(ClusterConnection cluster, NodeConfig config, Hypervisor hypervisor, ILogger log)
{
    private static readonly TimeSpan PerVmTimeout = TimeSpan.FromMinutes(10);
    private readonly Signal _changed = new();
    private ZooKeeperClient Zk => cluster.ZooKeeper;
    private string StatePath => NodeKeys.Path(config.NodeName, NodeKeys.DomainState);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        CancellationTokenSource? current = null;
        Task work = Task.CompletedTask;
        string? handling = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var state = Encoding.UTF8.GetString((await Zk.GetDataAsync(StatePath, _ => _changed.Set(), cancellationToken)).Data);
                if (state != handling && state is "flush" or "unflush")
                {
                    if (current is not null)
                    {
                        await current.CancelAsync();
                        await work.ContinueWith(_ => { }, TaskScheduler.Default);
                    }
                    current = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var token = current.Token;
                    work = state == "flush" ? FlushAsync(token) : UnflushAsync(token);
                }
                handling = state;
                await _changed.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // without a new read (which arms the watch again) no flush or unflush would be heard this session
                log.LogWarning("Domain state watch: {Message}; reading it again", e.Message);
                await Task.Delay(config.KeepaliveInterval, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        if (current is not null)
        {
            await current.CancelAsync();
            await work.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Moves every VM running here to another node, then marks the node flushed. "flushed" means that nothing of the
    /// cluster runs here (PVC marks it so whatever became of the moves): while a VM is left (its migration aborted, a
    /// live-only VM where no live migration is possible, ...), the node stays "flush", PVC's state of a flush under
    /// way, which Suspend-PvcNode -Wait waits out, and the VMs left are tried again every
    /// <see cref="RetryIntervals"/> keepalive intervals, until they are gone or the flush is cancelled (an unflush,
    /// or the service stopping). With <paramref name="retry"/> false (the flush before a stop) one pass is all.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken, bool retry = true)
    {
        try
        {
            var ops = new VmOperations(cluster);
            var delay = config.KeepaliveInterval * RetryIntervals;
            while (true)
            {
                try
                {
                    var vms = await RunningHereAsync(cancellationToken);
                    log.LogInformation("Flushing: {Count} VMs to move, {Concurrency} at once", vms.Count, config.FlushConcurrency);
                    await Parallel.ForEachAsync(vms, new ParallelOptions { MaxDegreeOfParallelism = config.FlushConcurrency, CancellationToken = cancellationToken },
                        async (vm, token) => await MoveAwayAsync(ops, new VmRef(vm.Uuid, vm.Name), token));
                    vms = await RunningHereAsync(cancellationToken);
                    if (vms.Count == 0)
                    {
                        await Zk.MultiAsync([Op.SetData(NodeKeys.Path(config.NodeName, NodeKeys.RunningDomains), ""u8.ToArray()), Op.SetData(StatePath, "flushed"u8.ToArray())], cancellationToken);
                        log.LogInformation("Flushed");
                        return;
                    }
                    log.LogWarning("Flush incomplete: {Vms} still run here; the node stays flushing{Retry}", string.Join(", ", vms.Select(v => v.Name)),
                        retry ? $" and tries again in {delay.TotalSeconds:0} s" : "");
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // ZooKeeper or libvirt away: this try is lost, not the flush (a flush task that died here left the
                    // node "flush" for good, with nobody working on it)
                    log.LogWarning("Flush: {Message}; the node stays flushing{Retry}", e.Message, retry ? $" and tries again in {delay.TotalSeconds:0} s" : "");
                }
                if (!retry)
                    return;
                await Task.Delay(delay, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.LogInformation("Flush cancelled");
        }
    }

    /// <summary>Keepalive intervals between the tries of a flush that left VMs behind.</summary>
    private const int RetryIntervals = 5;

    /// <summary>The cluster's VMs assigned to this node that libvirt runs here (a paused one occupies the host too).</summary>
    private async Task<List<Vm>> RunningHereAsync(CancellationToken cancellationToken)
    {
        var running = hypervisor.Domains().Where(d => d.State is Libvirt.DomainState.Running or Libvirt.DomainState.Paused or Libvirt.DomainState.Blocked)
            .Select(d => d.Uuid).ToHashSet();
        return [.. (await cluster.Vms.ListAsync(new VmFilter { Node = config.NodeName }, cancellationToken)).Where(v => running.Contains(v.Uuid))];
    }

    private async Task MoveAwayAsync(VmOperations ops, VmRef vm, CancellationToken cancellationToken)
    {
        try
        {
            // PVC waits while a restart or shutdown is under way
            var state = await ops.WaitSettledAsync(vm, PerVmTimeout, cancellationToken: cancellationToken);
            try
            {
                await ops.MigrateAsync(vm, new MigrationRequest(MigrationKind.Migrate, Force: true), cancellationToken);
                await ops.WaitSettledAsync(vm, PerVmTimeout, cancellationToken: cancellationToken);
            }
            catch (PvcException pvc) when (pvc.Kind == PvcErrorKind.ResourceUnavailable && state == VmState.Start)
            {
                // no node can take it: shut it down and mark it to start again when this node returns
                log.LogWarning("No node can take VM {Name}; shutting it down with autostart", vm.Name);
                await Zk.MultiAsync([Op.SetData(DomainKeys.Path(vm.Uuid, DomainKeys.State), "shutdown"u8.ToArray()),
                    Op.SetData(DomainKeys.Path(vm.Uuid, DomainKeys.Autostart), Encoding.UTF8.GetBytes(PvcBool.Encode(true)))], cancellationToken);
                await ops.WaitSettledAsync(vm, PerVmTimeout, cancellationToken: cancellationToken);
            }
        }
        catch (PvcException e)
        {
            log.LogWarning("Flush of VM {Name}: {Message}", vm.Name, e.Message);
        }
    }

    /// <summary>Brings back the VMs that were flushed away (or stopped with autostart), then marks the node ready.</summary>
    public async Task UnflushAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                try
                {
                    await UnflushOnceAsync(cancellationToken);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // as a flush: this try is lost, not the unflush (which would leave the node "unflush" for good)
                    var delay = config.KeepaliveInterval * RetryIntervals;
                    log.LogWarning("Unflush: {Message}; trying again in {Seconds:0} s", e.Message, delay.TotalSeconds);
                    await Task.Delay(delay, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.LogInformation("Unflush cancelled");
        }
    }

    private async Task UnflushOnceAsync(CancellationToken cancellationToken)
    {
        var ops = new VmOperations(cluster);
        var vms = await cluster.Vms.ListAsync(cancellationToken: cancellationToken);
        foreach (var vm in vms.Where(v => v.Autostart && v.Node == config.NodeName))
            await Zk.MultiAsync([Op.SetData(DomainKeys.Path(vm.Uuid, DomainKeys.State), "start"u8.ToArray()),
                Op.SetData(DomainKeys.Path(vm.Uuid, DomainKeys.LastNode), ""u8.ToArray()),
                Op.SetData(DomainKeys.Path(vm.Uuid, DomainKeys.Autostart), Encoding.UTF8.GetBytes(PvcBool.Encode(false)))], cancellationToken);
        var returning = vms.Where(v => v.LastNode == config.NodeName).ToList();
        log.LogInformation("Unflushing: {Count} VMs return", returning.Count);
        await Parallel.ForEachAsync(returning, new ParallelOptions { MaxDegreeOfParallelism = config.FlushConcurrency, CancellationToken = cancellationToken },
            async (vm, token) =>
            {
                var vmRef = new VmRef(vm.Uuid, vm.Name);
                try
                {
                    await ops.MigrateAsync(vmRef, new MigrationRequest(MigrationKind.Unmigrate), token);
                    await ops.WaitSettledAsync(vmRef, PerVmTimeout, cancellationToken: token);
                }
                catch (PvcException e)
                {
                    log.LogWarning("Unflush of VM {Name}: {Message}", vm.Name, e.Message);
                }
            });
        await Zk.SetDataAsync(StatePath, "ready"u8.ToArray(), cancellationToken: cancellationToken);
        log.LogInformation("Ready");
    }
}
