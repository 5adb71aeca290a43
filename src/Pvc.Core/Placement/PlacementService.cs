using System.Text;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Placement;

/// <summary>
/// Where VMs can go: the nodes and the cluster's default target selector (<c>/config/migration_target_selector</c>),
/// read together once per decision, and the placement rules between VMs (<see cref="PlacementRule"/>). Define,
/// migrate, the flush plan and fence recovery all decide from one <see cref="PlacementView"/>.
/// </summary>
public sealed class PlacementService(ClusterConnection cluster)
{
    private ZooKeeperClient Zk => cluster.ZooKeeper;

    /// <summary>Reads every node and the cluster's selector (the reads of a node listing, the selector among them).</summary>
    public async Task<PlacementView> ReadAsync(CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        var (nodes, selector) = await NodeReader.ListWithAsync(cluster.ZooKeeper, BaseKeys.MigrationTargetSelector, cancellationToken, counter);
        return new PlacementView(nodes, Wire.NodeSelector.Decode(selector));
    }

    /// <summary>
    /// Every placement rule, by name, with its VMs' names (three round trips: the names, the records, the VMs' names).
    /// A record that cannot be read is left out (it constrains nothing).
    /// </summary>
    public async Task<PlacementRules> ReadRulesAsync(CancellationToken cancellationToken = default)
    {
        var batch = new ZnodeBatch(Zk).Children(PlacementRuleKeys.Rules);
        await batch.ReadAsync(cancellationToken);
        var names = batch.ChildrenOf(PlacementRuleKeys.Rules) ?? [];
        if (names.Count == 0)
            return PlacementRules.None;
        foreach (var name in names)
            batch.Data(PlacementRuleKeys.Rule(name));
        await batch.ReadAsync(cancellationToken);
        var rules = names.Select(n => PlacementRule.Decode(n, batch.Text(PlacementRuleKeys.Rule(n)))).OfType<PlacementRule>().ToList();
        foreach (var vm in rules.SelectMany(r => r.Vms).Distinct())
            batch.Data(DomainKeys.Path(vm));
        await batch.ReadAsync(cancellationToken);
        return new PlacementRules(rules.Select(r => r with { VmNames = [.. r.Vms.Select(v => batch.Text(DomainKeys.Path(v)) ?? v.ToString())] }));
    }

    /// <summary>
    /// The drain strategies of the VMs (one round trip); a VM without a record is <see cref="DrainStrategy.Live"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, DrainStrategy>> ReadDrainStrategiesAsync(IEnumerable<Guid> vms, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vms);
        var list = vms.Distinct().ToList();
        if (list.Count == 0)
            return new Dictionary<Guid, DrainStrategy>();
        var batch = new ZnodeBatch(Zk);
        foreach (var vm in list)
            batch.Data(PlacementRuleKeys.DrainOf(vm));
        await batch.ReadAsync(cancellationToken);
        return list.ToDictionary(vm => vm, vm => DrainStrategies.Decode(batch.Text(PlacementRuleKeys.DrainOf(vm))));
    }

    /// <summary>
    /// Creates a placement rule in one transaction (the <c>/placement</c> folders with it when missing). VMs are named by
    /// name (a defined VM) or UUID (defined or not yet: a rule may come before its VM's define).
    /// </summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidPlacementRuleName", or "PlacementRuleTooFewVms" (fewer than two distinct VMs).</exception>
    /// <exception cref="PvcException">NotFound: "VmNotFound", a name that is no VM's.</exception>
    /// <exception cref="PvcException">AlreadyExists: "PlacementRuleExists".</exception>
    public async Task<PlacementRule> CreateRuleAsync(string name, PlacementRuleKind kind, bool hard, IEnumerable<string> vms, CancellationToken cancellationToken = default)
    {
        PlacementRule.ValidateName(name);
        ArgumentNullException.ThrowIfNull(vms);
        var wanted = vms.ToList();
        var batch = new ZnodeBatch(Zk).Children(BaseKeys.Domains).Data(PlacementRuleKeys.Root).Data(PlacementRuleKeys.Rules).Data(PlacementRuleKeys.Rule(name));
        await batch.ReadAsync(cancellationToken);
        if (batch.StatOf(PlacementRuleKeys.Rule(name)) is not null)
            throw new PvcException(PvcErrorKind.AlreadyExists, PvcErrorIds.PlacementRuleExists, $"A placement rule named '{name}' exists already; remove it first or choose another name.") { Target = name };
        var defined = (batch.ChildrenOf(BaseKeys.Domains) ?? []).Select(c => Guid.TryParse(c, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToList();
        foreach (var uuid in defined)
            batch.Data(DomainKeys.Path(uuid));
        await batch.ReadAsync(cancellationToken);
        var byName = defined.Select(u => (u, n: batch.Text(DomainKeys.Path(u)))).Where(p => p.n is not null).GroupBy(p => p.n!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().u, StringComparer.Ordinal);
        var members = new List<Guid>();
        foreach (var vm in wanted)
        {
            var uuid = Guid.TryParse(vm, out var g) ? g : byName.TryGetValue(vm, out var found) ? found
                : throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"No VM is named '{vm}' (name a VM, or give a UUID for a VM to be defined later).") { Target = vm };
            if (!members.Contains(uuid))
                members.Add(uuid);
        }
        if (members.Count < 2)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.PlacementRuleTooFewVms, $"The placement rule '{name}' names {members.Count} distinct VM(s); a rule is between two or more.") { Target = name };
        var rule = new PlacementRule(name, kind, hard, members) { VmNames = [.. members.Select(m => batch.Text(DomainKeys.Path(m)) ?? m.ToString())] };
        var ops = new List<Op>();
        foreach (var folder in new[] { PlacementRuleKeys.Root, PlacementRuleKeys.Rules })
            if (batch.StatOf(folder) is null)
                ops.Add(Op.Create(folder, ReadOnlyMemory<byte>.Empty));
        ops.Add(Op.Create(PlacementRuleKeys.Rule(name), Encoding.UTF8.GetBytes(rule.Encode())));
        try
        {
            await Zk.MultiAsync(ops, cancellationToken);
        }
        catch (NodeExistsException e)
        {
            throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.PlacementRuleExists, $"A placement rule named '{name}' (or its folder) was created meanwhile; nothing was written. Try again.", e) { Target = name };
        }
        return rule;
    }

    /// <summary>Removes a placement rule; returns it as it was.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidPlacementRuleName"; NotFound: "PlacementRuleNotFound".</exception>
    public async Task<PlacementRule> RemoveRuleAsync(string name, CancellationToken cancellationToken = default)
    {
        PlacementRule.ValidateName(name);
        var rule = (await ReadRulesAsync(cancellationToken)).All.FirstOrDefault(r => r.Name == name)
            ?? throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.PlacementRuleNotFound, $"There is no placement rule named '{name}'.") { Target = name };
        try
        {
            await Zk.DeleteAsync(PlacementRuleKeys.Rule(name), -1, cancellationToken);
        }
        catch (NoNodeException e)
        {
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.PlacementRuleNotFound, $"The placement rule '{name}' was removed meanwhile.", e) { Target = name };
        }
        return rule;
    }
}
