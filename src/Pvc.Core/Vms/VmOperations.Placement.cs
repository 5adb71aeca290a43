using Pvc.Core.Errors;
using Pvc.Core.Placement;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

// Migrate, move and unmigrate: PVC's rules (vm.py migrate_vm, move_vm, unmigrate_vm), one transaction each.
public sealed partial class VmOperations
{
    private static readonly string[] PlacementKeys = [DomainKeys.State, DomainKeys.Node, DomainKeys.LastNode, DomainKeys.NodeLimit, DomainKeys.NodeSelector, DomainKeys.Autostart];

    /// <summary>Works out a placement change without writing anything (refusals are thrown as for the change itself).</summary>
    public async Task<MigrationPlan> PlanMigrationAsync(VmRef vm, MigrationRequest request, CancellationToken cancellationToken = default)
    {
        var read = await ReadAsync(vm, cancellationToken, PlacementKeys);
        return await PlanAsync(vm, read, request, cancellationToken);
    }

    /// <summary>Migrates, moves or unmigrates a VM and returns what was written.</summary>
    public async Task<MigrationPlan> MigrateAsync(VmRef vm, MigrationRequest request, CancellationToken cancellationToken = default)
    {
        var read = await ReadAsync(vm, cancellationToken, PlacementKeys);
        var plan = await PlanAsync(vm, read, request, cancellationToken);
        // the autostart it waited with is used up when the move starts it
        Op[] autostart = plan.State == VmState.Start && StateOf(read, vm) == VmState.Stop ? [Op.SetData(P(vm, DomainKeys.Autostart), Utf8(PvcBool.Encode(false)))] : [];
        await CommitAsync(vm, read,
        [
            Op.SetData(P(vm, DomainKeys.State), Utf8(Wire.VmState.Encode(plan.State))),
            Op.SetData(P(vm, DomainKeys.Node), Utf8(plan.To)),
            Op.SetData(P(vm, DomainKeys.LastNode), Utf8(plan.LastNode ?? "")),
            .. autostart,
        ], cancellationToken);
        return plan;
    }

    /// <summary>
    /// PVC's placement rules, and one of ours: a stopped VM with autostart (a flush found no node for it and shut it
    /// down, to be started when its node returns) that is moved to a node that is run/ready is started there, as the
    /// node it waited for. PVC keeps it stopped, and since only an unflush of its node starts it, a VM moved to a node
    /// that is ready already (found by the nemesis, seed 1304) would never run again.
    /// </summary>
    private async Task<MigrationPlan> PlanAsync(VmRef vm, VersionedKeys read, MigrationRequest request, CancellationToken cancellationToken)
    {
        var plan = await PlanPlacementAsync(vm, read, request, cancellationToken);
        if (plan.State == VmState.Stop && plan.To != plan.From && PvcBool.Decode(read[P(vm, DomainKeys.Autostart)])
            && (await NodesAsync(cancellationToken)).FirstOrDefault(n => n.Name == plan.To) is { IsAvailable: true })
            return plan with { State = VmState.Start };
        return plan;
    }

    private async Task<MigrationPlan> PlanPlacementAsync(VmRef vm, VersionedKeys read, MigrationRequest request, CancellationToken cancellationToken)
    {
        if (read[P(vm, DomainKeys.Root)] is null)
            throw new PvcNotFoundException("VmNotFound", $"The VM '{vm.Name}' no longer exists.") { Target = vm.Name };
        var state = StateOf(read, vm);
        var current = PvcText.Decode(read[P(vm, DomainKeys.Node)]);
        var lastNode = PvcText.Decode(read[P(vm, DomainKeys.LastNode)]);
        var limit = PvcList.DecodeComma(read[P(vm, DomainKeys.NodeLimit)]);
        // a running VM migrates; any other keeps its state and only changes its assignment
        var newState = state == VmState.Start ? (request.Live ? VmState.MigrateLive : VmState.Migrate) : state;

        if (request.Kind == MigrationKind.Unmigrate)
        {
            if (lastNode is null)
                throw new PvcInvalidOperationException("VmNotMigrated", $"The VM '{vm.Name}' has not been migrated: it has no last node to return to.") { Target = vm.Name };
            return new MigrationPlan(vm, current, lastNode, newState, null);
        }
        if (request.Kind == MigrationKind.Migrate && lastNode is not null && !request.Force)
            throw new PvcInvalidOperationException("VmAlreadyMigrated", $"The VM '{vm.Name}' is already migrated away from {lastNode}; return it first (unmigrate), move it, or use -Force.") { Target = vm.Name };

        var nodes = await NodesAsync(cancellationToken);
        string target;
        if (request.Target is null)
        {
            // a forced migration of a migrated VM keeps its last node, and the nodes refuse a migration to the last
            // node (PVC's rule), so that node is no candidate; PVC's findTargetNode may pick it and the flush then aborts
            var candidates = request.Kind == MigrationKind.Migrate && request.Force && lastNode is not null ? nodes.Where(n => n.Name != lastNode) : nodes;
            var placement = TargetNodeSelector.Select(candidates, new PlacementRequest(current, limit,
                Wire.NodeSelector.Decode(read[P(vm, DomainKeys.NodeSelector)]), await ClusterSelectorAsync(cancellationToken)));
            target = placement.Target ?? throw new PvcResourceUnavailableException("NoTargetNode",
                $"No node can take the VM '{vm.Name}': {placement.Explanation}.") { Target = vm.Name };
        }
        else
        {
            target = request.Target;
            var node = nodes.FirstOrDefault(n => n.Name == target)
                ?? throw new PvcNotFoundException("NodeNotFound", $"There is no node '{target}'. Get-PvcNode lists the nodes.") { Target = target };
            if (limit.Count > 0 && !limit.Contains(target))
                throw new PvcInvalidOperationException("NodeNotInLimit", $"The node '{target}' is not in the VM '{vm.Name}''s node limit ({string.Join(",", limit)}).") { Target = vm.Name };
            if (target == current)
            {
                if (request.Kind == MigrationKind.Move && lastNode is not null)
                    return new MigrationPlan(vm, current, target, state, null); // make a temporary migration permanent
                throw new PvcInvalidOperationException("VmAlreadyOnNode", $"The VM '{vm.Name}' is already on node '{target}'.") { Target = vm.Name };
            }
            if (!node.IsAvailable)
                throw new PvcInvalidOperationException("NodeNotReady",
                    $"The node '{target}' is {Wire.DaemonState.Describe(node.DaemonState)}/{Wire.DomainState.Describe(node.DomainState)}; a target must be run/ready.") { Target = target };
        }
        var newLast = request.Kind == MigrationKind.Move ? null : (lastNode is not null && request.Force ? lastNode : current);
        return new MigrationPlan(vm, current, target, newState, newLast);
    }
}
