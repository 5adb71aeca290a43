using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Placement;
using Pvc.Core.Schema;

namespace Pvc.Core.Vms;

// The plan of a node flush: where its node service would send each VM.
public sealed partial class VmOperations
{
    /// <summary>
    /// Where a flush of the node would send each of its running VMs, by the rules its node service follows
    /// (each VM's selector and limit, among the other run/ready nodes), and what it does with each (its
    /// <see cref="DrainStrategy"/>: a VM that stops is given no target). Writes nothing.
    /// </summary>
    public async Task<IReadOnlyList<FlushPlanEntry>> PlanFlushAsync(string node, CancellationToken cancellationToken = default)
    {
        NodeName.Validate(node);
        var view = await PlacementAsync(cancellationToken);
        if (view.Nodes.All(n => n.Name != node))
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"There is no node '{node}'.") { Target = node };
        // the flushing node takes no VMs while it drains
        var others = view.Nodes.Select(n => n.Name == node ? n with { DomainState = NodeDomainState.Flush } : n).ToList();
        var rules = await cluster.Placement.ReadRulesAsync(cancellationToken);
        var all = await VmReader.ListAsync(Zk, cancellationToken: cancellationToken);
        var vms = all.Where(v => v.Node == node && v.State == VmState.Start).ToList();
        // as the node's flush decides: each VM on the nodes' figures as their keepalives report them (a move shows there
        // only once the VM runs on its target), and on the rules as the earlier moves left them (a move's node key is
        // written at once, so a keep-apart partner moved before counts where it goes)
        var assigned = all.Where(v => v.Node is not null).ToDictionary(v => v.Uuid, v => v.Node!);
        var strategies = await cluster.Placement.ReadDrainStrategiesAsync(vms.Select(v => v.Uuid), cancellationToken);
        return [.. vms.Select(vm =>
        {
            var strategy = strategies[vm.Uuid];
            // a VM that stops stays where it is (assigned here, stopped): it takes no node and moves no rule's partner
            if (strategy == DrainStrategy.Stop)
                return new FlushPlanEntry(new VmRef(vm.Uuid, vm.Name), null, null) { Rules = [.. rules.Of(vm.Uuid).Select(r => r.ToString())], Strategy = strategy };
            var result = new PlacementPlanner(others, rules.Occupy(assigned)).Place(vm.Uuid, view.Request(vm.LastNode ?? vm.Node, vm.NodeLimit, vm.NodeSelector), vm.MemoryMiB, vm.Vcpus);
            if (result.Target is { } target)
                assigned[vm.Uuid] = target;
            var reason = result.Target is not null ? null
                : result.BlockingRules.Count > 0 ? $"the hard rule(s) {string.Join(", ", result.BlockingRules.Select(r => $"'{r.Name}'"))} turn away the nodes that could ({result.Explanation})"
                : result.Explanation;
            return new FlushPlanEntry(new VmRef(vm.Uuid, vm.Name), result.Target, reason) { Rules = [.. rules.Of(vm.Uuid).Select(r => r.ToString())], Strategy = strategy };
        })];
    }
}
