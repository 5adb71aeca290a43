namespace Pvc.NodeService.Libvirt;

/// <summary>How <see cref="LibvirtDomain.Migrate"/> moves a domain.</summary>
public sealed record MigrationOptions
{
    /// <summary>libvirt's migration flags; <see cref="MigrationFlags.Default"/> unless set.</summary>
    public MigrationFlags Flags { get; init; } = MigrationFlags.Default;

    /// <summary>
    /// The longest pause allowed at the end of a live migration (<c>virDomainMigrateSetMaxDowntime</c>, set before
    /// migrating); null keeps the hypervisor's default. PVC's <c>migration_max_downtime</c> is 300 ms.
    /// </summary>
    public TimeSpan? MaxDowntime { get; init; }

    /// <summary>The domain's name on the destination; null keeps its name.</summary>
    public string? DestinationName { get; init; }

    /// <summary>Bandwidth limit in MiB/s; 0 means no limit.</summary>
    public ulong BandwidthMiBs { get; init; }
}
