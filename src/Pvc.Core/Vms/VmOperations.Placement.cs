using Pvc.Core.Errors;
using Pvc.Core.Placement;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

// Migrate, move and unmigrate: PVC's rules (vm.py migrate_vm, move_vm, unmigrate_vm), one transaction each.
public sealed partial class VmOperations
{
    private static readonly string[] PlacementKeys = [DomainKeys.State, DomainKeys.Node, DomainKeys.LastNode, DomainKeys.NodeLimit, DomainKeys.NodeSelector];

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
        await CommitAsync(vm, read,
        [
            Op.SetData(P(vm, DomainKeys.State), Utf8(Wire.VmState.Encode(plan.State))),
            Op.SetData(P(vm, DomainKeys.Node), Utf8(plan.To)),
            Op.SetData(P(vm, DomainKeys.LastNode), Utf8(plan.LastNode ?? "")),
        ], cancellationToken);
        return plan;
    }

    private async Task<MigrationPlan> PlanAsync(VmRef vm, VersionedKeys read, MigrationRequest request, CancellationToken cancellationToken)
    {
        if (read[P(vm, DomainKeys.Root)] is null)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"The VM '{vm.Name}' no longer exists.") { Target = vm.Name };
        var state = StateOf(read, vm);
        var current = PvcText.Decode(read[P(vm, DomainKeys.Node)]);
        var lastNode = PvcText.Decode(read[P(vm, DomainKeys.LastNode)]);
        var limit = PvcList.DecodeComma(read[P(vm, DomainKeys.NodeLimit)]);
        // a running VM migrates; any other keeps its state and only changes its assignment
        var newState = state == VmState.Start ? (request.Live ? VmState.MigrateLive : VmState.Migrate) : state;

        if (request.Kind == MigrationKind.Unmigrate)
        {
            if (lastNode is null)
                throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VmNotMigrated, $"The VM '{vm.Name}' has not been migrated: it has no last node to return to.") { Target = vm.Name };
            return new MigrationPlan(vm, current, lastNode, newState, null);
        }
        if (request.Kind == MigrationKind.Migrate && lastNode is not null && !request.Force)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VmAlreadyMigrated, $"The VM '{vm.Name}' is already migrated away from {lastNode}; return it first (unmigrate), move it, or force the migration.") { Target = vm.Name };

        var view = await PlacementAsync(cancellationToken);
        var nodes = view.Nodes;
        string target;
        if (request.Target is null)
        {
            // a forced migration of a migrated VM keeps its last node, and the nodes refuse a migration to the last
            // node (PVC's rule), so that node is no candidate; PVC's findTargetNode may pick it and the flush then aborts
            var candidates = request.Kind == MigrationKind.Migrate && request.Force && lastNode is not null ? nodes.Where(n => n.Name != lastNode) : nodes;
            var placement = view.Select(current, limit, Wire.NodeSelector.Decode(read[P(vm, DomainKeys.NodeSelector)]), candidates);
            target = placement.Target ?? throw new PvcException(PvcErrorKind.ResourceUnavailable, PvcErrorIds.NoTargetNode,
                $"No node can take the VM '{vm.Name}': {placement.Explanation}.") { Target = vm.Name };
        }
        else
        {
            target = request.Target;
            var node = nodes.FirstOrDefault(n => n.Name == target)
                ?? throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"There is no node '{target}'.") { Target = target };
            if (limit.Count > 0 && !limit.Contains(target))
                throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.NodeNotInLimit, $"The node '{target}' is not in the VM '{vm.Name}''s node limit ({string.Join(",", limit)}).") { Target = vm.Name };
            if (target == current)
            {
                if (request.Kind == MigrationKind.Move && lastNode is not null)
                    return new MigrationPlan(vm, current, target, state, null); // make a temporary migration permanent
                throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VmAlreadyOnNode, $"The VM '{vm.Name}' is already on node '{target}'.") { Target = vm.Name };
            }
            if (!node.IsAvailable)
                throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.NodeNotReady,
                    $"The node '{target}' is {Wire.DaemonState.Describe(node.DaemonState)}/{Wire.DomainState.Describe(node.DomainState)}; a target must be run/ready.") { Target = target };
        }
        var newLast = request.Kind == MigrationKind.Move ? null : (lastNode is not null && request.Force ? lastNode : current);
        return new MigrationPlan(vm, current, target, newState, newLast);
    }
}
