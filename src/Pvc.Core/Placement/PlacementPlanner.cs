using Pvc.Core.Nodes;

namespace Pvc.Core.Placement;

/// <summary>
/// Places several VMs one after another, charging each choice to its node (memory, vCPUs, VM count), so that VMs
/// placed together spread as their needs add up. PVC's recovery asks findTargetNode for each VM of a fenced node
/// against the same unchanged figures, which sends them all to one node.
/// </summary>
public sealed class PlacementPlanner
{
    private readonly Dictionary<string, Node> _nodes;

    /// <summary>A planner over the nodes as read.</summary>
    public PlacementPlanner(IEnumerable<Node> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        _nodes = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
    }

    /// <summary>Chooses a node for a VM (see <see cref="TargetNodeSelector"/>) and charges the VM's memory and vCPUs to it.</summary>
    public PlacementResult Place(PlacementRequest request, long memoryMiB, int vcpus)
    {
        var result = TargetNodeSelector.Select(_nodes.Values, request);
        if (result.Target is { } target)
        {
            var node = _nodes[target];
            _nodes[target] = node with
            {
                MemoryFreeMiB = node.MemoryFreeMiB - memoryMiB,
                MemoryUsedMiB = node.MemoryUsedMiB + memoryMiB,
                MemoryAllocatedMiB = node.MemoryAllocatedMiB + memoryMiB,
                MemoryProvisionedMiB = node.MemoryProvisionedMiB + memoryMiB,
                VcpusAllocated = node.VcpusAllocated + vcpus,
                VmCount = node.VmCount + 1,
            };
        }
        return result;
    }
}
