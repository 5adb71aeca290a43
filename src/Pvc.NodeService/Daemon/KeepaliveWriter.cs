using System.Globalization;
using Pvc.Core.Nodes;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// PVC's keepalive: every interval one transaction writes the node's epoch, memory, load, vCPU and memory
/// allocation, running VMs and their count; the first one sets the daemon state to run (Core's
/// <see cref="NodeHostOperations.WriteKeepaliveAsync"/>).
/// </summary>
internal sealed class KeepaliveWriter(NodeHostOperations node, NodeConfig config, Hypervisor hypervisor, VmSupervisor vms,
    Core.Vms.VmHostOperations? vmHost = null, Microsoft.Extensions.Logging.ILogger? log = null)
{
    private readonly InterfaceRates _interfaces = new();
    private readonly VmStatsCollector _stats = new(hypervisor);
    private Task _statsWrite = Task.CompletedTask;
    private bool _statsFailing;

    /// <summary>Writes one keepalive; returns the cluster VMs libvirt runs here.</summary>
    public async Task<IReadOnlyCollection<Guid>> WriteAsync(CancellationToken cancellationToken)
    {
        var started = DateTime.Now; // PVC logs the keepalive's local start time
        var domains = hypervisor.Domains();
        var assigned = vms.Snapshot();
        // a guest still coming in by live migration is paused here while its sender runs it: listed, it would tell a
        // fencer (PVC's reads this list) that it ran here, and a second copy would be started if this node died now
        bool Arriving(Libvirt.DomainSummary d) => d.IsPausedForMigration
            && assigned.FirstOrDefault(v => v.Uuid == d.Uuid) is { IsMigrating: true } k && k.Node == config.NodeName;
        var running = domains.Where(d => d.State is Libvirt.DomainState.Running or Libvirt.DomainState.Paused or Libvirt.DomainState.Blocked && !Arriving(d)).ToList();
        long memAlloc = 0;
        var vcpuAlloc = 0;
        var runningHere = new List<Guid>();
        foreach (var domain in running)
        {
            var known = assigned.FirstOrDefault(v => v.Uuid == domain.Uuid);
            if (known is null)
                continue; // not a cluster VM
            runningHere.Add(domain.Uuid);
            memAlloc += known.MemoryMiB;
            vcpuAlloc += known.Vcpus;
        }
        var memProv = memAlloc + assigned.Where(v => v.Node == config.NodeName && !runningHere.Contains(v.Uuid)).Sum(v => v.MemoryMiB);
        long total, used, free;
        if (hypervisor.IsTestDriver)
        {
            // a test-driver host has no memory of its own: its VMs use what libvirt says it has
            total = (long)hypervisor.HostInfo().MemoryMiB;
            used = Math.Min(total, memAlloc);
            free = total - used;
        }
        else
        {
            (total, used, free) = HostStats.Memory();
        }
        var keepalive = new NodeKeepalive(total, used, free, memAlloc, memProv, vcpuAlloc, HostStats.LoadAverage(), running.Count, runningHere, _interfaces.Sample());
        await node.WriteKeepaliveAsync(keepalive, cancellationToken);
        StartStatsWrite(assigned, cancellationToken);
        if (config.Logging.Keepalives && log is not null)
            await LogKeepaliveAsync(keepalive, started, cancellationToken);
        return [.. running.Select(d => d.Uuid)];
    }

    /// <summary>PVC's keepalive lines (<c>log_keepalives</c>, and <c>log_cluster_details</c> for the second).</summary>
    private async Task LogKeepaliveAsync(NodeKeepalive keepalive, DateTime started, CancellationToken cancellationToken)
    {
        var context = await node.ReadKeepaliveContextAsync(cancellationToken);
        var seconds = (DateTime.Now - started).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
        Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(log!, "{Host} keepalive @ {Start} [{State}] in {Seconds} seconds",
            config.NodeName, started.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture), context.RoleText, seconds);
        if (config.Logging.ClusterDetails)
            Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(log!,
                "Maintenance: {Maintenance}  Health: {Health}  VMs: {Vms}  OSDs: {Osds}  Load: {Load}  Memory [MiB]: Used: {Used}  Free: {Free}",
                context.Maintenance ? "True" : "False", context.Health is { } h ? $"{h}%" : "N/A", keepalive.DomainCount, context.OsdCount,
                keepalive.CpuLoad.ToString("0.##", CultureInfo.InvariantCulture), keepalive.MemoryUsedMiB, keepalive.MemoryFreeMiB);
    }

    /// <summary>
    /// The running VMs' stats, beside the keepalive (PVC's VM stats thread): one that takes longer than an interval
    /// (libvirt busy) is not waited for, and the next keepalive does not start another meanwhile.
    /// </summary>
    private void StartStatsWrite(IReadOnlyList<KnownVm> assigned, CancellationToken cancellationToken)
    {
        if (vmHost is null || !_statsWrite.IsCompleted)
            return;
        var known = assigned.ToDictionary(v => v.Uuid);
        _statsWrite = Task.Run(async () =>
        {
            try
            {
                var stats = _stats.Collect(known);
                if (stats.Count > 0)
                    await vmHost.WriteStatsAsync(stats, cancellationToken);
                _statsFailing = false;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // once a streak: a host whose libvirt cannot give stats would otherwise say so every keepalive
                if (!_statsFailing && log is not null)
                    Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(log, "VM stats could not be collected: {Message}", e.Message);
                _statsFailing = true;
            }
        }, CancellationToken.None);
    }
}
