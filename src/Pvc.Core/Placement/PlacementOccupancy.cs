namespace Pvc.Core.Placement;

/// <summary>
/// How many VMs of each rule each node holds, kept up to date move by move (a move costs the VM's rules, not a
/// recount), and what a rule says of a VM on a node.
/// </summary>
public sealed class PlacementOccupancy
{
    private readonly PlacementRules _rules;
    private readonly Dictionary<string, int>[] _counts;
    private readonly int[] _placed;
    private readonly Dictionary<Guid, string> _nodeOf = [];

    internal PlacementOccupancy(PlacementRules rules, IReadOnlyDictionary<Guid, string> nodeOf)
    {
        _rules = rules;
        _counts = [.. Enumerable.Range(0, rules.Count).Select(_ => new Dictionary<string, int>(StringComparer.Ordinal))];
        _placed = new int[rules.Count];
        for (var i = 0; i < rules.Count; i++)
            foreach (var vm in rules[i].Vms)
                if (nodeOf.TryGetValue(vm, out var node) && !string.IsNullOrEmpty(node))
                {
                    _nodeOf[vm] = node;
                    _counts[i][node] = _counts[i].GetValueOrDefault(node) + 1;
                    _placed[i]++;
                }
    }

    /// <summary>The rules this counts for.</summary>
    public PlacementRules Rules => _rules;

    /// <summary>A rule VM's node as counted, or null.</summary>
    public string? NodeOf(Guid vm) => _nodeOf.GetValueOrDefault(vm);

    /// <summary>Counts a VM on <paramref name="to"/> (null: nowhere) instead of where it was.</summary>
    public void Move(Guid vm, string? to)
    {
        var ids = _rules.IndexesOf(vm);
        if (ids.Length == 0)
            return;
        var from = _nodeOf.GetValueOrDefault(vm);
        if (from == to)
            return;
        foreach (var i in ids)
        {
            if (from is not null)
            {
                _counts[i][from]--;
                _placed[i]--;
            }
            if (to is not null)
            {
                _counts[i][to] = _counts[i].GetValueOrDefault(to) + 1;
                _placed[i]++;
            }
        }
        if (to is null)
            _nodeOf.Remove(vm);
        else
            _nodeOf[vm] = to;
    }

    /// <summary>
    /// What the rules say of <paramref name="vm"/> on <paramref name="node"/>, its own place left out: the first hard
    /// rule it would break (or null), and how many soft rules it would break.
    /// </summary>
    public PlacementVerdict Judge(Guid vm, string node)
    {
        var ids = _rules.IndexesOf(vm);
        if (ids.Length == 0)
            return PlacementVerdict.Clean;
        var own = _nodeOf.GetValueOrDefault(vm);
        PlacementRule? hard = null;
        var soft = 0;
        foreach (var i in ids)
        {
            var here = _counts[i].GetValueOrDefault(node) - (own == node ? 1 : 0);
            var elsewhere = _placed[i] - (own is null ? 0 : 1) - here;
            var rule = _rules[i];
            var breaks = rule.Kind == PlacementRuleKind.KeepApart ? here > 0 : here == 0 && elsewhere > 0;
            if (!breaks)
                continue;
            if (rule.Hard)
                hard ??= rule;
            else
                soft++;
        }
        return new PlacementVerdict(hard, soft);
    }

    /// <summary>Soft and hard rules broken by the VMs as counted now (each rule once per extra VM on a node, or per VM away from the others).</summary>
    public int Breaks(bool hard)
    {
        var total = 0;
        for (var i = 0; i < _rules.Count; i++)
        {
            if (_rules[i].Hard != hard)
                continue;
            if (_rules[i].Kind == PlacementRuleKind.KeepApart)
                total += _counts[i].Values.Sum(c => Math.Max(0, c - 1));
            else
                total += _placed[i] - (_counts[i].Count == 0 ? 0 : _counts[i].Values.Max());
        }
        return total;
    }

    /// <summary>
    /// The exact change in the rules' cost (<see cref="Breaks"/>, soft breaks weighed <paramref name="soft"/> and hard
    /// ones <paramref name="hard"/>) if <paramref name="vm"/> moved from its node to <paramref name="to"/>.
    /// </summary>
    public double MoveCost(Guid vm, string to, double soft, double hard)
    {
        var ids = _rules.IndexesOf(vm);
        var from = _nodeOf.GetValueOrDefault(vm);
        if (ids.Length == 0 || from == to)
            return 0;
        var delta = 0.0;
        foreach (var i in ids)
        {
            var counts = _counts[i];
            var atFrom = from is null ? 0 : counts.GetValueOrDefault(from);
            var atTo = counts.GetValueOrDefault(to);
            double change;
            if (_rules[i].Kind == PlacementRuleKind.KeepApart)
                change = (from is not null && atFrom >= 2 ? -1 : 0) + (atTo >= 1 ? 1 : 0);
            else
            {
                var max = counts.Count == 0 ? 0 : counts.Values.Max();
                var maxAfter = atTo + 1;
                foreach (var (node, count) in counts)
                    if (node != to)
                        maxAfter = Math.Max(maxAfter, node == from ? count - 1 : count);
                // placed grows by one when the VM was nowhere
                change = (from is null ? 1 : 0) - (maxAfter - max);
            }
            delta += change * (_rules[i].Hard ? hard : soft);
        }
        return delta;
    }

    /// <summary>True when a rule of the VM is broken where it is counted now.</summary>
    public bool BreaksWhereItIs(Guid vm) => _nodeOf.GetValueOrDefault(vm) is { } node && Judge(vm, node) != PlacementVerdict.Clean;
}
