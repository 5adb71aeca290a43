using Pvc.Core.Schema;

namespace Pvc.Core.Nodes;

/// <summary>What a wait for a flush saw: the node's domain state, or how many VMs it still runs.</summary>
/// <param name="DomainState">The domain state, when that changed.</param>
/// <param name="VmsRemaining">The VMs it still runs, when its keepalive changed that.</param>
public sealed record FlushProgress(NodeDomainState? DomainState, int? VmsRemaining);
