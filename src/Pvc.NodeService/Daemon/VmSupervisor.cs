using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// Watches <c>/domains</c> and keeps one <see cref="VmInstance"/> per VM, each carrying out its VM's state on this
/// node. A VM removed from the cluster while it runs here is stopped. libvirt's stop and crash events wake the VM's
/// instance at once; the keepalive's <see cref="Reconcile"/> is the slow re-read that catches what an event missed.
/// </summary>
internal sealed class VmSupervisor(VmHostOperations vms, NodeConfig config, Hypervisor hypervisor, KeepaliveClock keepalives, ILogger log)
{
    private readonly ConcurrentDictionary<Guid, VmInstance> _instances = new();
    private readonly Signal _changed = new();
    private Action? _onListChanged;

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
            var shouldRun = known is { State: VmState.Start } && known.Node == config.NodeName;
            var mayRun = known is not null && known.Node == config.NodeName && known.State is not (VmState.Stop or VmState.Disable or VmState.Fail or VmState.Delete);
            if ((shouldRun && !running) || (running && !mayRun && known?.IsMigrating != true))
                instance.Wake();
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var tasks = new ConcurrentDictionary<Guid, Task>();
        hypervisor.DomainEvent += OnDomainEvent;
        try
        {
            await SuperviseAsync(tasks, cancellationToken);
        }
        finally
        {
            hypervisor.DomainEvent -= OnDomainEvent;
        }
        await Task.WhenAll(tasks.Values).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>A VM here stopped or crashed: its instance decides at once whether to start it again (PVC waits for its keepalive).</summary>
    private void OnDomainEvent(Libvirt.DomainLifecycleEvent e)
    {
        if (e.Type is Libvirt.DomainLifecycleEventType.Stopped or Libvirt.DomainLifecycleEventType.Crashed && _instances.TryGetValue(e.Uuid, out var instance))
            instance.Wake();
    }

    private async Task SuperviseAsync(ConcurrentDictionary<Guid, Task> tasks, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                _onListChanged ??= _changed.Set; // one callback: the client keeps one registration per watcher
                var uuids = await vms.ListAsync(_onListChanged, cancellationToken);
                foreach (var uuid in uuids.Where(u => !_instances.ContainsKey(u)))
                {
                    var instance = new VmInstance(uuid, vms, config, hypervisor, keepalives, log);
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
    }
}
