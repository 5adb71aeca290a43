using Pvc.Core.Reading;
using Pvc.Core.Schema;

namespace Pvc.Core.Nodes;

public sealed partial class NodeOperations
{
    /// <summary>
    /// What the nodes use, as their last keepalives reported it (the node service writes rates: interface traffic is
    /// averaged over its keepalive interval). Nodes that do not exist are left out.
    /// </summary>
    public async Task<IReadOnlyList<NodeStat>> GetStatsAsync(IReadOnlyList<Node> nodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var batch = new ZnodeBatch(Zk);
        foreach (var node in nodes)
            batch.Data(NodeKeys.Path(node.Name, NodeKeys.NetworkStats));
        await batch.ReadAsync(cancellationToken);
        return [.. nodes.Select(n => new NodeStat
        {
            Name = n.Name,
            Keepalive = n.Keepalive,
            CpuCount = n.CpuCount,
            CpuLoad = n.CpuLoad,
            VcpusAllocated = n.VcpusAllocated,
            VmCount = n.VmCount,
            MemoryTotalMiB = n.MemoryTotalMiB,
            MemoryUsedMiB = n.MemoryUsedMiB,
            MemoryFreeMiB = n.MemoryFreeMiB,
            MemoryAllocatedMiB = n.MemoryAllocatedMiB,
            MemoryProvisionedMiB = n.MemoryProvisionedMiB,
            Interfaces = NodeInterfaceStats.ParseAll(batch.Text(NodeKeys.Path(n.Name, NodeKeys.NetworkStats))),
        })];
    }
}
