using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;

namespace Pvc.Core.Vms;

// The plan of a node flush: where its node service would send each VM.
public sealed partial class VmOperations
{
    /// <summary>
    /// Where a flush of the node would send each of its running VMs, by the rules its node service follows
    /// (each VM's selector and limit, among the other run/ready nodes). Writes nothing.
    /// </summary>
    public async Task<IReadOnlyList<FlushPlanEntry>> PlanFlushAsync(string node, CancellationToken cancellationToken = default)
    {
        NodeName.Validate(node);
        var view = await PlacementAsync(cancellationToken);
        if (view.Nodes.All(n => n.Name != node))
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"There is no node '{node}'.") { Target = node };
        // the flushing node takes no VMs while it drains
        var others = view.Nodes.Select(n => n.Name == node ? n with { DomainState = NodeDomainState.Flush } : n).ToList();
        var vms = await VmReader.ListAsync(Zk, new VmFilter { Node = node, State = VmState.Start }, cancellationToken);
        return [.. vms.Select(vm =>
        {
            var result = view.Select(vm.LastNode ?? vm.Node, vm.NodeLimit, vm.NodeSelector, others);
            return new FlushPlanEntry(new VmRef(vm.Uuid, vm.Name), result.Target, result.Target is null ? result.Explanation : null);
        })];
    }
}
