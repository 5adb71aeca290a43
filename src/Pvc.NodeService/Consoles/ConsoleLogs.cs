using Microsoft.Extensions.Logging;
using Pvc.Core.Vms;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Consoles;

/// <summary>
/// A <see cref="ConsoleLogTail"/> for every cluster VM running here (PVC starts its console watcher when a VM starts or
/// arrives and stops it when it stops or leaves): reconciled with the running list at each keepalive.
/// </summary>
internal sealed class ConsoleLogs(VmHostOperations vms, NodeLogSettings settings, Hypervisor hypervisor, ILogger log)
{
    private readonly Dictionary<Guid, (CancellationTokenSource Stop, Task Run)> _tails = [];
    private readonly HashSet<Guid> _refused = [];

    /// <summary>Starts tails for the VMs that run here now and stops those of VMs that no longer do.</summary>
    public void Reconcile(IReadOnlyCollection<(Guid Uuid, string Name)> running, CancellationToken session)
    {
        var now = running.Select(r => r.Uuid).ToHashSet();
        foreach (var gone in _tails.Keys.Where(u => !now.Contains(u)).ToList())
        {
            _tails[gone].Stop.Cancel();
            _tails.Remove(gone, out var ended);
            _ = ended.Run.ContinueWith(_ => ended.Stop.Dispose(), TaskScheduler.Default);
        }
        _refused.IntersectWith(now);
        foreach (var (uuid, name) in running)
        {
            if (_tails.ContainsKey(uuid) || _refused.Contains(uuid))
                continue;
            var (path, refusal) = ConsoleLogPath.FromDomainXml(TryLiveXml(uuid), settings.ConsoleDirectory);
            if (path is null)
            {
                // once per run of the VM: the reason does not change while it runs
                _refused.Add(uuid);
                if (refusal is not null)
                    log.LogWarning("The console of VM {Name} is not logged to the cluster: {Reason}", name, refusal);
                continue;
            }
            var stop = CancellationTokenSource.CreateLinkedTokenSource(session);
            _tails[uuid] = (stop, RunAsync(new ConsoleLogTail(uuid, path, settings.ConsoleLogLines, vms), name, stop.Token));
        }
    }

    /// <summary>Stops every tail (the session ends) and waits for their last writes.</summary>
    public async Task StopAllAsync()
    {
        foreach (var (stop, _) in _tails.Values)
            await stop.CancelAsync();
        await Task.WhenAll(_tails.Values.Select(t => t.Run));
        foreach (var (stop, _) in _tails.Values)
            stop.Dispose();
        _tails.Clear();
    }

    private string? TryLiveXml(Guid uuid)
    {
        try
        {
            return hypervisor.LiveXml(uuid);
        }
        catch (LibvirtException)
        {
            return null;
        }
    }

    private async Task RunAsync(ConsoleLogTail tail, string name, CancellationToken cancellationToken)
    {
        await Task.Yield();
        log.LogInformation("Starting the console log of VM {Name}", name);
        try
        {
            await tail.RunAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException || Core.Errors.PvcException.From(e) is not null)
        {
            log.LogWarning("The console log of VM {Name} stopped: {Message}", name, e.Message);
        }
        log.LogInformation("Stopped the console log of VM {Name}", name);
    }
}
