namespace Pvc.Core.Placement;

/// <summary>The cluster's placement rules as read at one moment, indexed by VM.</summary>
public sealed class PlacementRules
{
    private readonly PlacementRule[] _rules;
    private readonly Dictionary<Guid, int[]> _rulesOf;

    /// <summary>Indexes rules.</summary>
    public PlacementRules(IEnumerable<PlacementRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = [.. rules.OrderBy(r => r.Name, StringComparer.Ordinal)];
        _rulesOf = Enumerable.Range(0, _rules.Length).SelectMany(i => _rules[i].Vms.Select(vm => (vm, i)))
            .GroupBy(p => p.vm).ToDictionary(g => g.Key, g => g.Select(p => p.i).ToArray());
    }

    /// <summary>No rules.</summary>
    public static PlacementRules None { get; } = new([]);

    /// <summary>Every rule, by name.</summary>
    public IReadOnlyList<PlacementRule> All => _rules;

    /// <summary>The rules a VM is in.</summary>
    public IReadOnlyList<PlacementRule> Of(Guid vm) => _rulesOf.TryGetValue(vm, out var ids) ? [.. ids.Select(i => _rules[i])] : [];

    /// <summary>The other VMs of every rule a VM is in.</summary>
    public IReadOnlyList<Guid> PeersOf(Guid vm) => [.. Of(vm).SelectMany(r => r.Vms).Where(v => v != vm).Distinct()];

    internal int[] IndexesOf(Guid vm) => _rulesOf.TryGetValue(vm, out var ids) ? ids : [];

    internal PlacementRule this[int index] => _rules[index];

    internal int Count => _rules.Length;

    /// <summary>Where the rules' VMs are now: <paramref name="nodeOf"/> gives a VM's node (null or absent: none).</summary>
    public PlacementOccupancy Occupy(IReadOnlyDictionary<Guid, string> nodeOf) => new(this, nodeOf);
}
