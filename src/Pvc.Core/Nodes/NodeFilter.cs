using Pvc.Core.Reading;
using Pvc.Core.Schema;

namespace Pvc.Core.Nodes;

/// <summary>PVC's node list filters (<c>pvc node list</c>): name limit and daemon, coordinator and domain states.</summary>
public sealed record NodeFilter
{
    /// <summary>Name (fuzzy regex).</summary>
    public LimitPattern? Limit { get; init; }
    /// <summary>Only nodes whose service is in this state.</summary>
    public NodeDaemonState? DaemonState { get; init; }
    /// <summary>Only nodes in this coordinator state.</summary>
    public CoordinatorState? CoordinatorState { get; init; }
    /// <summary>Only nodes in this domain state.</summary>
    public NodeDomainState? DomainState { get; init; }

    /// <summary>True when the node passes.</summary>
    public bool Matches(Node node) =>
        (Limit is null || Limit.IsMatch(node.Name)) &&
        (DaemonState is null || node.DaemonState == DaemonState) &&
        (CoordinatorState is null || node.CoordinatorState == CoordinatorState) &&
        (DomainState is null || node.DomainState == DomainState);
}
