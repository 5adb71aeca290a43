namespace Pvc.NodeService.Libvirt;

/// <summary>One domain of a host listing: what the node service matches against ZooKeeper.</summary>
/// <param name="Name">The domain's name.</param>
/// <param name="Uuid">The domain's UUID (PVC's VM key).</param>
/// <param name="State">Its state when listed.</param>
/// <param name="Reason">libvirt's reason code for that state (a per-state <c>virDomain*Reason</c> value).</param>
public sealed record DomainSummary(string Name, Guid Uuid, DomainState State, int Reason)
{
    /// <summary>libvirt's <c>VIR_DOMAIN_PAUSED_MIGRATION</c>, a reason of <see cref="DomainState.Paused"/>.</summary>
    public const int PausedMigration = 2;

    /// <summary>
    /// Paused by a migration: on the receiving host, a guest still coming in (libvirt starts it paused and resumes it
    /// only once its memory is all there; until then the sender runs it); on the sending host, the last copy.
    /// </summary>
    public bool IsPausedForMigration => State == DomainState.Paused && Reason == PausedMigration;
}
