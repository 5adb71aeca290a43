using Pvc.Core.Reading;
using Pvc.Core.Schema;

namespace Pvc.Core.Vms;

/// <summary>PVC's VM list filters (<c>pvc vm list</c>): name limit, node, state, tag, and negation of node/state/tag.</summary>
public sealed record VmFilter
{
    /// <summary>No filter: every VM.</summary>
    public static VmFilter All { get; } = new();

    /// <summary>Name (fuzzy regex) or exact UUID.</summary>
    public LimitPattern? Limit { get; init; }
    /// <summary>Only VMs on this node (or, negated, not on it).</summary>
    public string? Node { get; init; }
    /// <summary>Only VMs in this state (or, negated, not in it).</summary>
    public VmState? State { get; init; }
    /// <summary>Only VMs with this tag (or, negated, without it).</summary>
    public string? Tag { get; init; }
    /// <summary>Negate the node, state and tag filters, as PVC's --negate does.</summary>
    public bool Negate { get; init; }

    /// <summary>True when it lets every VM through (a listing then reads every VM's detail at once).</summary>
    internal bool IsEmpty => Limit is null && Node is null && State is null && Tag is null;

    internal bool Matches(Guid uuid, string name, string? node, VmState state, IReadOnlyCollection<string> tags) =>
        (Limit is null || Limit.IsMatch(name, uuid)) &&
        (Node is null || (node == Node) != Negate) &&
        (State is null || (state == State) != Negate) &&
        (Tag is null || tags.Contains(Tag) != Negate);
}
