namespace Pvc.NodeService.Daemon;

/// <summary>
/// Work only the primary coordinator does (PVC: floating IPs, DHCP/DNS, Ceph stats, the fence monitor, ...).
/// The election starts every duty on takeover and stops them on relinquish; later features plug in here.
/// </summary>
public interface IPrimaryDuty
{
    /// <summary>A short name for logs.</summary>
    string Name { get; }

    /// <summary>Begins the duty; it runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
