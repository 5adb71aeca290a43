using Pvc.Core.Nodes;

namespace Pvc.Core.Placement;

/// <summary>
/// Places several VMs one after another, charging each choice to its node (memory, vCPUs, VM count) and to the
/// placement rules' occupancy, so that VMs placed together spread as their needs add up and each later choice sees the
/// rules as the earlier ones left them. PVC's recovery asks findTargetNode for each VM of a fenced node against the
/// same unchanged figures, which sends them all to one node.
/// </summary>
public sealed class PlacementPlanner
{
    private readonly Dictionary<string, Node> _nodes;
    private readonly PlacementOccupancy? _occupancy;

    /// <summary>A planner over the nodes as read, with no placement rules.</summary>
    public PlacementPlanner(IEnumerable<Node> nodes) : this(nodes, null)
    {
    }

    /// <summary>A planner over the nodes as read, judging targets by the rules' occupancy (which it updates as it places).</summary>
    public PlacementPlanner(IEnumerable<Node> nodes, PlacementOccupancy? occupancy)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        _nodes = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        _occupancy = occupancy;
    }

    /// <summary>Chooses a node for a VM (see <see cref="TargetNodeSelector"/>) and charges the VM's memory and vCPUs to it.</summary>
    public PlacementResult Place(PlacementRequest request, long memoryMiB, int vcpus)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = TargetNodeSelector.Select(_nodes.Values, request);
        if (result.Target is { } target)
            Charge(target, memoryMiB, vcpus);
        return result;
    }

    /// <summary>
    /// Chooses a node for the VM <paramref name="vm"/> within the placement rules, charges it, and counts the VM there
    /// for the rules.
    /// </summary>
    public PlacementResult Place(Guid vm, PlacementRequest request, long memoryMiB, int vcpus)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = TargetNodeSelector.Select(_nodes.Values, _occupancy is null ? request : request with { Rules = new PlacementRuleCheck(_occupancy, vm) });
        if (result.Target is { } target)
        {
            Charge(target, memoryMiB, vcpus);
            _occupancy?.Move(vm, target);
        }
        return result;
    }

    /// <summary>
    /// As <see cref="Place(Guid, PlacementRequest, long, int)"/>, but when only hard rules stand in the way the VM is
    /// placed as if there were none (fence recovery: a VM running beside its partner beats a VM running nowhere); the
    /// result's <see cref="PlacementResult.OverriddenRules"/> then names the rules it breaks.
    /// </summary>
    public PlacementResult PlaceOverridingRules(Guid vm, PlacementRequest request, long memoryMiB, int vcpus)
    {
        var result = Place(vm, request, memoryMiB, vcpus);
        if (result.Target is not null || result.BlockingRules.Count == 0)
            return result;
        var anyway = TargetNodeSelector.Select(_nodes.Values, request with { Rules = null });
        if (anyway.Target is { } target)
        {
            Charge(target, memoryMiB, vcpus);
            _occupancy?.Move(vm, target);
        }
        return anyway.Target is null ? anyway : anyway with { OverriddenRules = result.BlockingRules };
    }

    private void Charge(string target, long memoryMiB, int vcpus)
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
}
