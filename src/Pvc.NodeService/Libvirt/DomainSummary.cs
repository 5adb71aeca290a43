namespace Pvc.NodeService.Libvirt;

/// <summary>One domain of a host listing: what the node service matches against ZooKeeper.</summary>
/// <param name="Name">The domain's name.</param>
/// <param name="Uuid">The domain's UUID (PVC's VM key).</param>
/// <param name="State">Its state when listed.</param>
/// <param name="Reason">libvirt's reason code for that state (a per-state <c>virDomain*Reason</c> value).</param>
public sealed record DomainSummary(string Name, Guid Uuid, DomainState State, int Reason);
