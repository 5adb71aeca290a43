using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Placement;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

// Migrate, move and unmigrate: PVC's rules (vm.py migrate_vm, move_vm, unmigrate_vm), one transaction each.
public sealed partial class VmOperations
{
    private static readonly string[] PlacementKeys = [DomainKeys.State, DomainKeys.Node, DomainKeys.LastNode, DomainKeys.NodeLimit, DomainKeys.NodeSelector, DomainKeys.Autostart, DomainKeys.MigrateSyncLock];

    /// <summary>
    /// Works out a placement change without writing anything (refusals are thrown as for the change itself). The plan
    /// keeps the versions of what it was worked out from: <see cref="MigrateAsync(MigrationPlan, CancellationToken)"/>
    /// commits exactly it, or fails when any of that changed. With a target node, one round trip (the VM's keys and the
    /// target's states together); without, the nodes and the cluster's selector are read alongside.
    /// </summary>
    public async Task<MigrationPlan> PlanMigrationAsync(VmRef vm, MigrationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = request.Kind == MigrationKind.Unmigrate ? null : request.Target;
        if (target is not null)
            NodeName.Validate(target);
        // the target's existence and states are part of the plan's basis: a node that is flushed meanwhile fails the commit
        var extra = target is null ? [] : new[] { NodeKeys.Path(target), NodeKeys.Path(target, NodeKeys.DaemonState), NodeKeys.Path(target, NodeKeys.DomainState) };
        // a node chosen here is judged by the VM's placement rules: the rules and the nodes of the rules' other VMs are
        // part of the basis, so two decisions made from one picture (two flushes at once) cannot both commit and break a
        // keep-apart rule between them: the second fails its commit and decides again
        var rules = request.Kind == MigrationKind.Migrate && target is null ? await cluster.Placement.ReadRulesAsync(cancellationToken) : PlacementRules.None;
        var ruleKeys = rules.Of(vm.Uuid).Select(r => PlacementRuleKeys.Rule(r.Name)).Concat(rules.PeersOf(vm.Uuid).Select(p => DomainKeys.Path(p, DomainKeys.Node)));
        string[] imposedKeys = request.ImposedMethod is null ? [] : [PlacementRuleKeys.Root, PlacementRuleKeys.Imposed, PlacementRuleKeys.ImposedOf(vm.Uuid)];
        // the VM's removal marker: a plan that starts a stopped VM is refused while its vm.remove task is pending or running
        var read = await VersionedKeys.ReadAsync(Zk, PlacementKeys.Select(k => P(vm, k)).Prepend(P(vm, DomainKeys.Root)).Prepend(BaseKeys.SchemaVersion).Concat(extra).Concat(ruleKeys).Concat(imposedKeys)
            .Append(Tasks.TaskKeys.VmRemoval(vm.Uuid)), cancellationToken);
        SchemaVersion.EnsureSupported(read[BaseKeys.SchemaVersion]);
        return await PlanAsync(vm, read, request, rules, cancellationToken) with { Basis = read, ImposedMethod = request.ImposedMethod };
    }

    /// <summary>Migrates, moves or unmigrates a VM and returns what was written (a plan and its commit).</summary>
    /// <remarks>
    /// Without a target, a plan whose basis changed before its commit (another placement decided meanwhile, such as a
    /// concurrent flush's) is worked out again, up to three times.
    /// </remarks>
    public async Task<MigrationPlan> MigrateAsync(VmRef vm, MigrationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await MigrateAsync(await PlanMigrationAsync(vm, request, cancellationToken), cancellationToken);
            }
            catch (PvcException e) when (e.ErrorId == PvcErrorIds.PlanChangedMeanwhile && request.Target is null && request.Kind == MigrationKind.Migrate && attempt < 3)
            {
            }
        }
    }

    /// <summary>
    /// Commits a plan from <see cref="PlanMigrationAsync"/> as it stands, in one transaction that checks the versions of
    /// everything the plan was worked out from: nothing is worked out again, and a VM or target node changed since
    /// fails the commit (<see cref="PvcException"/> (WriteConflict), nothing written) rather than committing another plan.
    /// The VM's state is read with a watch in the same round trip, for <see cref="WaitMigratedAsync"/>. A VM only
    /// reassigned (not running) has a receiver's announcement left in <c>migrate_sync_lock</c> cleared with it, as
    /// <see cref="StartAsync"/> and <see cref="StopAsync"/> do.
    /// </summary>
    /// <exception cref="ArgumentException">The plan was not made by <see cref="PlanMigrationAsync"/>.</exception>
    public async Task<MigrationPlan> MigrateAsync(MigrationPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.IsCommitted)
            throw new ArgumentException("This plan has been committed already.", nameof(plan));
        var basis = plan.Basis ?? throw new ArgumentException("Only a plan from PlanMigrationAsync can be committed.", nameof(plan));
        var vm = plan.Vm;
        // the autostart it waited with is used up when the move starts it
        Op[] autostart = plan.State == VmState.Start && StateOf(basis, vm) == VmState.Stop ? [Op.SetData(P(vm, DomainKeys.Autostart), Utf8(PvcBool.Encode(false)))]
            : plan.StartsWhenNodeReady ? [Op.SetData(P(vm, DomainKeys.Autostart), Utf8(PvcBool.Encode(true)))] : [];
        // a VM that is not migrated but only reassigned (stopped, or started by the move) is placed by this decision, as
        // Start and Stop decide: a receiver's announcement left standing would make its new node finish a hand-over
        // by shutdown that nobody meant there, and start it
        Op[] announcement = plan.State is not (VmState.Migrate or VmState.MigrateLive or VmState.Unmigrate) && basis[P(vm, DomainKeys.MigrateSyncLock)] is { Length: > 0 }
            ? [Op.SetData(P(vm, DomainKeys.MigrateSyncLock), Utf8(""))] : [];
        // sent together: ZooKeeper answers a session's requests in order, so the read sees the state the commit wrote
        var commit = CommitAsync(vm, basis,
        [
            Op.SetData(P(vm, DomainKeys.State), Utf8(Wire.VmState.Encode(plan.State))),
            Op.SetData(P(vm, DomainKeys.Node), Utf8(plan.To)),
            Op.SetData(P(vm, DomainKeys.LastNode), Utf8(plan.LastNode ?? "")),
            .. autostart,
            .. announcement,
            .. ImposedWrites(plan, basis),
        ], cancellationToken);
        var watch = VmStateWatch.ArmAsync(Zk, vm, cancellationToken);
        try
        {
            await commit;
        }
        catch (Exception e)
        {
            _ = watch.ContinueWith(static t => t.Exception, TaskScheduler.Default); // its answer no longer matters
            if (e is PvcException { ErrorId: PvcErrorIds.VmChangedMeanwhile })
                throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.PlanChangedMeanwhile,
                    $"The VM '{vm.Name}' or the node '{plan.To}' changed after the plan ({plan}) was made; nothing was written. Plan again to see what a migration would do now.", e) { Target = vm.Name };
            throw;
        }
        return plan with { Basis = null, Watch = await watch, IsCommitted = true };
    }

    /// <summary>
    /// The record of a method imposed on a migration (<see cref="MigrationRequest.ImposedMethod"/>), in the migration's
    /// transaction: the sender honours it while the VM's state znode was last written by that same transaction (the
    /// record's and the state's mzxid agree), so a later state leaves it without effect and nothing needs to remove it.
    /// </summary>
    private static IEnumerable<Op> ImposedWrites(MigrationPlan plan, VersionedKeys basis)
    {
        if (plan.ImposedMethod is not { } method || plan.State is not (VmState.Migrate or VmState.MigrateLive))
            yield break;
        var key = PlacementRuleKeys.ImposedOf(plan.Vm.Uuid);
        var text = Utf8(Wire.MigrationMethod.Encode(method));
        if (basis.VersionOf(key) >= 0)
        {
            yield return Op.SetData(key, text);
            yield break;
        }
        foreach (var folder in new[] { PlacementRuleKeys.Root, PlacementRuleKeys.Imposed })
            if (basis.VersionOf(folder) < 0)
                yield return Op.Create(folder, ReadOnlyMemory<byte>.Empty);
        yield return Op.Create(key, text);
    }

    /// <summary>
    /// PVC's placement rules, and two of ours for a stopped VM that is meant to run:
    /// <list type="bullet">
    /// <item>one with autostart (a flush found no node for it and shut it down, to be started when its node returns)
    /// moved to a node that is run/ready is started there, as the node it waited for. PVC keeps it stopped, and since
    /// only an unflush of its node starts it, a VM moved to a node that is ready already (found by the nemesis, seed
    /// 1304) would never run again;</item>
    /// <item>one caught in a shutdown hand-over (stopped on its old node to be started on the new one, the receiver's
    /// announcement still in <c>migrate_sync_lock</c>: Start and Stop clear it, so nothing else leaves "stop" with it)
    /// ran before and must run after: the move ends the hand-over (the commit clears the key) and starts it on a
    /// run/ready target, or leaves it stopped with autostart for a target not ready yet (a node being unflushed starts
    /// its autostart VMs). Kept stopped, it was lost (the nemesis, seed 651478: the receiver killed, then an unflush).</item>
    /// </list>
    /// Either start is refused ("VmBeingRemoved") while the VM's <c>vm.remove</c> task is Pending or Running, as <see cref="StartAsync"/> is.
    /// </summary>
    private async Task<MigrationPlan> PlanAsync(VmRef vm, VersionedKeys read, MigrationRequest request, PlacementRules rules, CancellationToken cancellationToken)
    {
        var plan = await PlanPlacementAsync(vm, read, request, rules, cancellationToken);
        if (plan.State != VmState.Stop)
            return plan;
        var handOver = read[P(vm, DomainKeys.MigrateSyncLock)] is { Length: > 0 };
        if (!handOver && (plan.To == plan.From || !PvcBool.Decode(read[P(vm, DomainKeys.Autostart)])))
            return plan;
        var targetReady = (await PlacementAsync(cancellationToken)).Nodes.FirstOrDefault(n => n.Name == plan.To) is { IsAvailable: true };
        if (targetReady)
        {
            // as StartAsync: its volumes may be deleted at any moment (the marker is in the basis, see VmRemovalMarker)
            await VmRemovalMarker.RefuseIfActiveAsync(cluster, vm, read[Tasks.TaskKeys.VmRemoval(vm.Uuid)], "a move or migration would start it", cancellationToken);
            return plan with { State = VmState.Start };
        }
        return handOver ? plan with { StartsWhenNodeReady = true } : plan;
    }

    private async Task<MigrationPlan> PlanPlacementAsync(VmRef vm, VersionedKeys read, MigrationRequest request, PlacementRules rules, CancellationToken cancellationToken)
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

        string target;
        if (request.Target is null)
        {
            // the nodes and the cluster's selector at once
            var view = await PlacementAsync(cancellationToken);
            var nodes = view.Nodes;
            // a forced migration of a migrated VM keeps its last node, and the nodes refuse a migration to the last
            // node (PVC's rule), so that node is no candidate; PVC's findTargetNode may pick it and the flush then aborts
            var candidates = request.Kind == MigrationKind.Migrate && request.Force && lastNode is not null ? nodes.Where(n => n.Name != lastNode) : nodes;
            var nodeOf = rules.PeersOf(vm.Uuid).Select(p => (p, n: PvcText.Decode(read[DomainKeys.Path(p, DomainKeys.Node)]))).Where(p => p.n is not null).ToDictionary(p => p.p, p => p.n!);
            if (current is not null)
                nodeOf[vm.Uuid] = current;
            var check = new PlacementRuleCheck(rules.Occupy(nodeOf), vm.Uuid);
            var placement = TargetNodeSelector.Select(candidates, view.Request(current, limit, Wire.NodeSelector.Decode(read[P(vm, DomainKeys.NodeSelector)])) with { Rules = check });
            target = placement.Target ?? throw NoTarget(vm.Name, placement);
        }
        else
        {
            target = request.Target;
            // read with the VM's keys (PlanMigrationAsync): the node's root and its two states
            if (read[NodeKeys.Path(target)] is null)
                throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"There is no node '{target}'.") { Target = target };
            if (limit.Count > 0 && !limit.Contains(target))
                throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.NodeNotInLimit, $"The node '{target}' is not in the VM '{vm.Name}''s node limit ({string.Join(",", limit)}).") { Target = vm.Name };
            if (target == current)
            {
                if (request.Kind == MigrationKind.Move && lastNode is not null)
                    return new MigrationPlan(vm, current, target, state, null); // make a temporary migration permanent
                throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VmAlreadyOnNode, $"The VM '{vm.Name}' is already on node '{target}'.") { Target = vm.Name };
            }
            var daemon = Wire.DaemonState.Decode(read[NodeKeys.Path(target, NodeKeys.DaemonState)]);
            var domain = Wire.DomainState.Decode(read[NodeKeys.Path(target, NodeKeys.DomainState)]);
            if (daemon != NodeDaemonState.Run || domain != NodeDomainState.Ready)
                throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.NodeNotReady,
                    $"The node '{target}' is {Wire.DaemonState.Describe(daemon)}/{Wire.DomainState.Describe(domain)}; a target must be run/ready.") { Target = target };
        }
        var newLast = request.Kind == MigrationKind.Move ? null : (lastNode is not null && request.Force ? lastNode : current);
        return new MigrationPlan(vm, current, target, newState, newLast);
    }

    /// <summary>The refusal when no node qualifies: naming the hard rules when they turned away a node that would otherwise do.</summary>
    private static PvcException NoTarget(string vmName, PlacementResult placement) => placement.BlockingRules.Count > 0
        ? new PvcException(PvcErrorKind.ResourceUnavailable, PvcErrorIds.PlacementRuleUnmet,
            $"No node can take the VM '{vmName}' within its placement rules: the hard rule{(placement.BlockingRules.Count > 1 ? "s" : "")} {string.Join(", ", placement.BlockingRules.Select(r => $"'{r.Name}'"))} turn{(placement.BlockingRules.Count > 1 ? "" : "s")} away the nodes that could ({placement.Explanation}). Remove or change the rule, or name a node.") { Target = vmName, Detail = placement.BlockingRules[0] }
        : new PvcException(PvcErrorKind.ResourceUnavailable, PvcErrorIds.NoTargetNode, $"No node can take the VM '{vmName}': {placement.Explanation}.") { Target = vmName };
}
