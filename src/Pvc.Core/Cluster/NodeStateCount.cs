using Pvc.Core.Nodes;
using Pvc.Core.Schema;

namespace Pvc.Core.Cluster;

/// <summary>How many nodes are in one (daemon state, domain state) pair, e.g. 3 nodes run,ready.</summary>
/// <param name="DaemonState">The node services' state.</param>
/// <param name="DomainState">The nodes' domain state.</param>
/// <param name="Count">How many nodes.</param>
public sealed record NodeStateCount(NodeDaemonState DaemonState, NodeDomainState DomainState, int Count);
