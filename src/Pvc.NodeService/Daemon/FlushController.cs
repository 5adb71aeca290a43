using Microsoft.Extensions.Logging;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Placement;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// Drains and refills this node when its domain state says so (PVC's flush and unflush), event-driven: each VM's
/// migration is followed on a watch, with up to <c>node.flush_concurrency</c> at once, instead of PVC's fixed polling
/// and strictly serial waits. A new request (flush during unflush, or the reverse) cancels the one running. Its writes
/// are Core's, each checked against the version it was based on: the domain state the flush or unflush began on, and
/// each VM's keys as read. Each VM goes by its drain strategy (<see cref="DrainStrategy"/>): live (PVC's flush),
/// restart (a migration by shutdown, imposed on the sender by a record written with the migration request:
/// <see cref="MigrationRequest.ImposedMethod"/>), or stop (shut
/// down with autostart, staying here, as PVC leaves a VM no node can take: the unflush starts it again). The unflush's
/// autostart honours the placement rules: a VM that a hard rule turns away from this node (a keep-apart partner running
/// here) is not started and keeps its autostart (as a flush leaves a VM that no node may take), logged with the rule.
/// </summary>
internal sealed class FlushController(ClusterConnection cluster, NodeHostOperations node, NodeConfig config, Hypervisor hypervisor, ILogger log)
{
    private static readonly TimeSpan PerVmTimeout = TimeSpan.FromMinutes(10);
    private readonly Signal _changed = new();
    private readonly VmHostOperations _vms = new(cluster, config.NodeName);
    private Action? _onChange;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        CancellationTokenSource? current = null;
        Task work = Task.CompletedTask;
        NodeDomainState? handling = null;
        _onChange ??= _changed.Set;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var (state, _) = await node.ReadDomainStateAsync(_onChange, cancellationToken);
                if (state != handling && state is NodeDomainState.Flush or NodeDomainState.Unflush)
                {
                    if (current is not null)
                    {
                        await current.CancelAsync();
                        await work.ContinueWith(_ => { }, TaskScheduler.Default);
                    }
                    current = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var token = current.Token;
                    work = state == NodeDomainState.Flush ? FlushAsync(NodeDomainState.Flush, token) : UnflushAsync(token);
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
    /// "flushed" is written only while the domain state is still <paramref name="from"/>, the one the flush began on.
    /// </summary>
    private async Task FlushAsync(NodeDomainState from, CancellationToken cancellationToken, bool retry = true)
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
                    var strategies = await cluster.Placement.ReadDrainStrategiesAsync(vms.Select(v => v.Uuid), cancellationToken);
                    log.LogInformation("Flushing: {Count} VMs to move, {Concurrency} at once", vms.Count, config.FlushConcurrency);
                    await Parallel.ForEachAsync(vms, new ParallelOptions { MaxDegreeOfParallelism = config.FlushConcurrency, CancellationToken = cancellationToken },
                        async (vm, token) => await MoveAwayAsync(ops, new VmRef(vm.Uuid, vm.Name), strategies[vm.Uuid], token));
                    vms = await RunningHereAsync(cancellationToken);
                    if (vms.Count == 0)
                    {
                        if (await node.MarkFlushedAsync(from, cancellationToken))
                            log.LogInformation("Flushed");
                        else
                            log.LogInformation("Flushed, but the node's domain state changed meanwhile: that request stands");
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

    /// <summary>The drain before a clean stop (node.flush_on_stop): one pass, from whatever domain state the node is in.</summary>
    public async Task FlushBeforeStopAsync(CancellationToken cancellationToken)
    {
        var (state, _) = await node.ReadDomainStateAsync(null, cancellationToken);
        await FlushAsync(state, cancellationToken, retry: false);
    }

    /// <summary>Keepalive intervals between the tries of a flush that left VMs behind.</summary>
    private const int RetryIntervals = 5;

    /// <summary>The cluster's VMs assigned to this node that libvirt runs here (a paused one occupies the host too).</summary>
    private async Task<List<Vm>> RunningHereAsync(CancellationToken cancellationToken)
    {
        var running = hypervisor.Domains().Where(d => d.State is Libvirt.DomainState.Running or Libvirt.DomainState.Paused or Libvirt.DomainState.Blocked)
            .Select(d => d.Uuid).ToHashSet();
        return [.. (await _vms.ListVmsAsync(new VmFilter { Node = config.NodeName }, cancellationToken)).Where(v => running.Contains(v.Uuid))];
    }

    private async Task MoveAwayAsync(VmOperations ops, VmRef vm, DrainStrategy strategy, CancellationToken cancellationToken)
    {
        try
        {
            // PVC waits while a restart or shutdown is under way
            var state = await ops.WaitSettledAsync(vm, PerVmTimeout, cancellationToken: cancellationToken);
            if (strategy == DrainStrategy.Stop)
            {
                if (state != VmState.Start)
                    return;
                log.LogInformation("VM {Name} drains by stopping: shutting it down with autostart, to start again when this node is readied", vm.Name);
                await _vms.ShutdownForFlushAsync(vm, cancellationToken);
                await ops.WaitSettledAsync(vm, PerVmTimeout, cancellationToken: cancellationToken);
                return;
            }
            try
            {
                // restart: this node's sender migrates it by shutdown, whatever its migration method; the method is
                // recorded with the migration request, so a restart of this service mid-flush still sends it so
                if (strategy == DrainStrategy.Restart)
                    log.LogInformation("VM {Name} drains by restart: shut down here, started on its target", vm.Name);
                await ops.MigrateAsync(vm, new MigrationRequest(MigrationKind.Migrate, Force: true,
                    ImposedMethod: strategy == DrainStrategy.Restart ? MigrationMethod.Shutdown : null), cancellationToken);
                await ops.WaitSettledAsync(vm, PerVmTimeout, cancellationToken: cancellationToken);
            }
            catch (PvcException pvc) when (pvc.Kind == PvcErrorKind.ResourceUnavailable && state == VmState.Start)
            {
                // no node can take it: shut it down and mark it to start again when this node returns
                log.LogWarning("No node can take VM {Name}; shutting it down with autostart", vm.Name);
                await _vms.ShutdownForFlushAsync(vm, cancellationToken);
                await ops.WaitSettledAsync(vm, PerVmTimeout, cancellationToken: cancellationToken);
            }
        }
        catch (PvcException e)
        {
            log.LogWarning("Flush of VM {Name}: {Message}", vm.Name, e.Message);
        }
    }

    /// <summary>Brings back the VMs that were flushed away (or stopped with autostart), then marks the node ready.</summary>
    private async Task UnflushAsync(CancellationToken cancellationToken)
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
        var vms = await _vms.ListVmsAsync(null, cancellationToken);
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
        // after the returns, not before (PVC's order): a VM stopped with autostart by another node's flush (no node
        // could take it) comes back here stopped, by assignment only, and would otherwise never be started
        // within the placement rules, as every placement: a VM a hard rule turns away from this node (a keep-apart partner
        // running or started here, a keep-together partner running elsewhere) is not started, and keeps its autostart, as a flush leaves a VM no node can take: the next ready of this node
        // starts it once the rule allows (soft rules are preferences of where to place, and this node is given)
        var listed = await _vms.ListVmsAsync(null, cancellationToken);
        var rules = await cluster.Placement.ReadRulesAsync(cancellationToken);
        var occupancy = rules.Occupy(listed.Where(v => v.Node is not null && (v.State == VmState.Start || VmOperations.IsTransitional(v.State)))
            .ToDictionary(v => v.Uuid, v => v.Node!));
        foreach (var vm in listed.Where(v => v.Autostart && v.Node == config.NodeName))
        {
            if (occupancy.Judge(vm.Uuid, config.NodeName).HardRule is { } rule)
            {
                log.LogWarning("VM {Name} is not started here at ready: the hard rule {Rule} forbids this node; it stays stopped with autostart", vm.Name, rule);
                continue;
            }
            try
            {
                await _vms.AutostartHereAsync(new VmRef(vm.Uuid, vm.Name), cancellationToken);
                occupancy.Move(vm.Uuid, config.NodeName);
            }
            catch (PvcException e) when (e.Kind == PvcErrorKind.WriteConflict || e.ErrorId == PvcErrorIds.VmBeingRemoved)
            {
                log.LogWarning("Unflush of VM {Name}: {Message}", vm.Name, e.Message);
            }
        }
        if (await node.MarkReadyAsync(cancellationToken))
            log.LogInformation("Ready");
        else
            log.LogInformation("Unflushed, but the node's domain state changed meanwhile: that request stands");
    }
}
