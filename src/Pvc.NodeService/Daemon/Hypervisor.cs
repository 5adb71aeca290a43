using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// This node's libvirt connection, used from several tasks: calls are serialised (libvirt's last error is per
/// thread and read right after each call), and stored XML is adapted to what this hypervisor takes.
/// </summary>
public sealed class Hypervisor(LibvirtConnection connection, DomainXmlAdapter adapter) : IDisposable
{
    private readonly Lock _lock = new();

    /// <summary>The libvirt URI.</summary>
    public string Uri => connection.Uri;

    /// <summary>True for libvirt's test driver, in this process (test:///...) or in a libvirtd (test+unix:///...).</summary>
    public bool IsTestDriver => Uri.StartsWith("test:", StringComparison.Ordinal) || Uri.StartsWith("test+", StringComparison.Ordinal);

    /// <summary>Host CPUs and memory.</summary>
    public HostInfo HostInfo()
    {
        lock (_lock)
            return connection.GetHostInfo();
    }

    /// <summary>Every domain libvirt knows here, with its state.</summary>
    public IReadOnlyList<DomainSummary> Domains()
    {
        lock (_lock)
            return connection.ListDomains();
    }

    /// <summary>True when the domain exists here and runs (or is paused).</summary>
    public bool IsRunning(Guid uuid)
    {
        lock (_lock)
        {
            using var domain = connection.TryLookupDomain(uuid);
            return domain is not null && domain.GetState().State is DomainState.Running or DomainState.Paused or DomainState.Blocked;
        }
    }

    /// <summary>
    /// True when the domain here is paused by a migration (<see cref="DomainSummary.IsPausedForMigration"/>): on the
    /// node receiving it, a guest that has not arrived yet, whose sender still runs it.
    /// </summary>
    public bool IsPausedForMigration(Guid uuid)
    {
        lock (_lock)
        {
            using var domain = connection.TryLookupDomain(uuid);
            return domain?.GetState() is (DomainState.Paused, DomainSummary.PausedMigration);
        }
    }

    /// <summary>The domain's state here, or null when libvirt does not know it here.</summary>
    public DomainState? State(Guid uuid)
    {
        lock (_lock)
        {
            using var domain = connection.TryLookupDomain(uuid);
            return domain?.GetState().State;
        }
    }

    /// <summary>Memory (KiB) and vCPUs of a domain here, or null.</summary>
    public DomainInfo? Info(Guid uuid)
    {
        lock (_lock)
        {
            using var domain = connection.TryLookupDomain(uuid);
            return domain?.GetInfo();
        }
    }

    /// <summary>Starts a transient domain from the stored XML, adapted for this hypervisor.</summary>
    public void Start(string storedXml)
    {
        var xml = adapter.Adapt(storedXml);
        lock (_lock)
            connection.CreateDomain(xml).Dispose();
    }

    /// <summary>Asks the guest to shut down.</summary>
    public void Shutdown(Guid uuid)
    {
        lock (_lock)
        {
            using var domain = connection.TryLookupDomain(uuid);
            domain?.Shutdown();
        }
    }

    /// <summary>Stops the domain at once (no error when it is already gone).</summary>
    public void Destroy(Guid uuid)
    {
        lock (_lock)
        {
            using var domain = connection.TryLookupDomain(uuid);
            if (domain is not null && domain.GetState().State is not (DomainState.Shutoff or DomainState.NoState))
                domain.Destroy();
        }
    }

    /// <summary>
    /// Live-migrates the domain to another libvirt, peer to peer (the source libvirt connects to
    /// <paramref name="destinationUri"/> itself). The domain stays transient, as PVC's are (they are created from
    /// ZooKeeper's XML, never defined). Throws <see cref="LibvirtException"/>, e.g. unsupported on the test driver.
    /// </summary>
    public void Migrate(Guid uuid, string destinationUri, TimeSpan maxDowntime)
    {
        LibvirtDomain domain;
        lock (_lock)
            domain = connection.LookupDomain(uuid);
        using (domain)
        {
            // outside the lock: a migration takes seconds, libvirt's connections take calls from several threads, and
            // the keepalive and the other VMs must go on meanwhile (the last error is per thread, read on this one)
            domain.Migrate(destinationUri, new MigrationOptions { Flags = MigrationFlags.Live | MigrationFlags.PeerToPeer, MaxDowntime = maxDowntime });
        }
    }

    /// <inheritdoc />
    public void Dispose() => connection.Dispose();
}
