using System.Text;
using Pvc.Core.Schema;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Libvirt;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// PVC's keepalive: every interval one transaction writes the node's epoch, memory, load, vCPU and memory
/// allocation, running VMs and their count; the first one sets the daemon state to run.
/// </summary>
internal sealed class KeepaliveWriter(ZooKeeperClient zk, NodeConfig config, Hypervisor hypervisor, VmSupervisor vms)
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private string P(string key) => NodeKeys.Path(config.NodeName, key);

    /// <summary>Writes one keepalive; returns the cluster VMs libvirt runs here.</summary>
    public async Task<IReadOnlyCollection<Guid>> WriteAsync(CancellationToken cancellationToken)
    {
        var domains = hypervisor.Domains();
        var assigned = vms.Snapshot();
        // a guest still coming in by live migration is paused here while its sender runs it: listed, it would tell a
        // fencer (PVC's reads this list) that it ran here, and a second copy would be started if this node died now
        bool Arriving(Libvirt.DomainSummary d) => d.IsPausedForMigration
            && assigned.FirstOrDefault(v => v.Uuid == d.Uuid) is { State: "migrate" or "migrate-live" } k && k.Node == config.NodeName;
        var running = domains.Where(d => d.State is Libvirt.DomainState.Running or Libvirt.DomainState.Paused or Libvirt.DomainState.Blocked && !Arriving(d)).ToList();
        long memAlloc = 0;
        var vcpuAlloc = 0;
        var runningHere = new List<string>();
        foreach (var domain in running)
        {
            var known = assigned.FirstOrDefault(v => v.Uuid == domain.Uuid);
            if (known is null)
                continue; // not a cluster VM
            runningHere.Add(DomainKeys.Format(domain.Uuid));
            memAlloc += known.MemoryMiB;
            vcpuAlloc += known.Vcpus;
        }
        var memProv = memAlloc + assigned.Where(v => v.Node == config.NodeName && !runningHere.Contains(DomainKeys.Format(v.Uuid))).Sum(v => v.MemoryMiB);
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
        var state = await zk.GetDataAsync(P(NodeKeys.DaemonState), cancellationToken: cancellationToken);
        var ops = new List<Op>
        {
            Op.SetData(P(NodeKeys.MemoryTotal), B(PvcNumber.Encode(total))),
            Op.SetData(P(NodeKeys.MemoryUsed), B(PvcNumber.Encode(used))),
            Op.SetData(P(NodeKeys.MemoryFree), B(PvcNumber.Encode(free))),
            Op.SetData(P(NodeKeys.MemoryAllocated), B(PvcNumber.Encode(memAlloc))),
            Op.SetData(P(NodeKeys.MemoryProvisioned), B(PvcNumber.Encode(memProv))),
            Op.SetData(P(NodeKeys.VcpuAllocated), B(PvcNumber.Encode(vcpuAlloc))),
            Op.SetData(P(NodeKeys.CpuLoad), B(PvcNumber.Encode(HostStats.LoadAverage()))),
            Op.SetData(P(NodeKeys.DomainCount), B(PvcNumber.Encode(running.Count))),
            Op.SetData(P(NodeKeys.RunningDomains), B(PvcList.EncodeSpace(runningHere))),
            Op.SetData(P(NodeKeys.Keepalive), B(PvcNumber.EncodeEpoch(DateTimeOffset.UtcNow))),
        };
        var daemonState = Encoding.UTF8.GetString(state.Data);
        if (daemonState is not ("run" or "shutdown"))
            ops.Add(Op.SetData(P(NodeKeys.DaemonState), B("run"), state.Stat.Version));
        await zk.MultiAsync(ops, cancellationToken);
        return [.. running.Select(d => d.Uuid)];
    }
}
