using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Pvc.Core.Schema;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Libvirt;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// Watches <c>/domains</c> and keeps one <see cref="VmInstance"/> per VM, each carrying out its VM's state on this
/// node. A VM removed from the cluster while it runs here is stopped.
/// </summary>
internal sealed class VmSupervisor(ZooKeeperClient zk, NodeConfig config, Hypervisor hypervisor, KeepaliveClock keepalives, ILogger log)
{
    private readonly ConcurrentDictionary<Guid, VmInstance> _instances = new();
    private readonly Signal _changed = new();

    /// <summary>What the node knows of every VM, for the keepalive.</summary>
    public IReadOnlyList<KnownVm> Snapshot() => [.. _instances.Values.Select(i => i.Known).OfType<KnownVm>()];

    /// <summary>Every instance (the flush and the keepalive's crash check use them).</summary>
    public IReadOnlyCollection<VmInstance> Instances => [.. _instances.Values];

    /// <summary>
    /// PVC's keepalive check, from one listing of libvirt: wakes the instances whose VM runs here but should not, or
    /// should run here and does not (crashed), so that they act; the others are left alone.
    /// </summary>
    public void Reconcile(IReadOnlyCollection<Guid> runningHere)
    {
        foreach (var instance in _instances.Values)
        {
            var known = instance.Known;
            var running = runningHere.Contains(instance.Uuid);
            var shouldRun = known is { State: "start" } && known.Node == config.NodeName;
            var mayRun = known is not null && known.Node == config.NodeName && known.State is not ("stop" or "disable" or "fail" or "delete");
            if ((shouldRun && !running) || (running && !mayRun && known?.State is not ("migrate" or "migrate-live")))
                instance.Wake();
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var tasks = new ConcurrentDictionary<Guid, Task>();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var children = await zk.GetChildrenAsync(BaseKeys.Domains, _ => _changed.Set(), cancellationToken);
                var uuids = children.Children.Select(c => Guid.TryParse(c, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToHashSet();
                foreach (var uuid in uuids.Where(u => !_instances.ContainsKey(u)))
                {
                    var instance = new VmInstance(uuid, zk, config, hypervisor, keepalives, log);
                    _instances[uuid] = instance;
                    tasks[uuid] = instance.RunAsync(cancellationToken);
                }
                foreach (var gone in _instances.Keys.Where(u => !uuids.Contains(u)).ToList())
                {
                    _instances.TryRemove(gone, out var instance);
                    instance?.Wake(); // it sees its VM gone, stops it if it runs here, and ends
                    tasks.TryRemove(gone, out _);
                }
                await _changed.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // the read after a change failed (a connection loss): without a new read no new VM would ever get its
                // instance this session, so read again after a pause (the watch is armed again by that read)
                log.LogWarning("VM supervision: {Message}; reading the VMs again", e.Message);
                await Task.Delay(config.KeepaliveInterval, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        await Task.WhenAll(tasks.Values).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
