using Pvc.Core.Nodes;
using Pvc.Core.Schema;

namespace Pvc.Core.Placement;

/// <summary>
/// PVC's findTargetNode: among nodes that run and are ready, within the VM's node limit and other than its
/// current node, and not breaking a hard placement rule, those breaking the fewest soft rules, and of them the best by the selector (mem: most free memory; memprov: most of used+free-provisioned;
/// load: lowest load; vcpus: fewest allocated vCPUs; vms: fewest VMs). Ties go to the first by name.
/// </summary>
public static class TargetNodeSelector
{
    /// <summary>Chooses a target, or explains why none qualifies.</summary>
    public static PlacementResult Select(IEnumerable<Node> nodes, PlacementRequest request)
    {
        var rejections = new List<string>();
        var candidates = new List<Node>();
        var blocking = new List<PlacementRule>();
        var fewest = int.MaxValue;
        foreach (var node in nodes.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            if (node.Name == request.CurrentNode)
                rejections.Add($"{node.Name}: the VM's current node");
            else if (request.NodeLimit.Count > 0 && !request.NodeLimit.Contains(node.Name))
                rejections.Add($"{node.Name}: not in the VM's node limit ({string.Join(",", request.NodeLimit)})");
            else if (node.DaemonState != NodeDaemonState.Run)
                rejections.Add($"{node.Name}: its service is {node.DaemonState.ToString().ToLowerInvariant()}, not run");
            else if (node.DomainState != NodeDomainState.Ready)
                rejections.Add($"{node.Name}: it is {node.DomainState.ToString().ToLowerInvariant()}, not ready");
            else if (request.Rules?.Judge(node.Name) is { } verdict && verdict != PlacementVerdict.Clean)
            {
                if (verdict.HardRule is { } rule)
                {
                    rejections.Add($"{node.Name}: the hard rule {rule} forbids it");
                    if (!blocking.Contains(rule))
                        blocking.Add(rule);
                }
                else if (verdict.SoftBreaks <= fewest)
                {
                    if (verdict.SoftBreaks < fewest)
                        candidates.Clear();
                    fewest = verdict.SoftBreaks;
                    candidates.Add(node);
                }
            }
            else
            {
                if (fewest > 0)
                    candidates.Clear();
                fewest = 0;
                candidates.Add(node);
            }
        }
        if (candidates.Count == 0)
            return new PlacementResult(null, rejections) { BlockingRules = blocking };
        Func<Node, double> score = request.Effective switch
        {
            NodeSelector.MemProv => n => n.MemoryUsedMiB + n.MemoryFreeMiB - n.MemoryProvisionedMiB,
            NodeSelector.Load => n => -(n.CpuLoad ?? double.MaxValue),
            NodeSelector.Vcpus => n => -n.VcpusAllocated,
            NodeSelector.Vms => n => -n.VmCount,
            _ => n => n.MemoryFreeMiB,
        };
        var best = candidates[0];
        foreach (var node in candidates.Skip(1))
            if (score(node) > score(best))
                best = node;
        return new PlacementResult(best.Name, rejections) { BlockingRules = blocking, SoftBreaks = fewest };
    }
}
