namespace Pvc.NodeService.Libvirt;

/// <summary>How a domain migrates (<c>virDomainMigrateFlags</c>).</summary>
[Flags]
public enum MigrationFlags : uint
{
    /// <summary>No flag: an offline-style (paused) migration driven by the client.</summary>
    None = 0,
    /// <summary>VIR_MIGRATE_LIVE: keep the guest running while memory is copied.</summary>
    Live = 1,
    /// <summary>VIR_MIGRATE_PEER2PEER: the source libvirt talks to the destination libvirt itself.</summary>
    PeerToPeer = 2,
    /// <summary>VIR_MIGRATE_TUNNELLED: carry the data over the libvirt connection (needs <see cref="PeerToPeer"/>).</summary>
    Tunnelled = 4,
    /// <summary>VIR_MIGRATE_PERSIST_DEST: define the domain persistently on the destination.</summary>
    PersistDestination = 8,
    /// <summary>VIR_MIGRATE_UNDEFINE_SOURCE: undefine the domain on the source once migrated.</summary>
    UndefineSource = 16,
    /// <summary>VIR_MIGRATE_PAUSED: leave the domain paused on the destination.</summary>
    Paused = 32,
    /// <summary>VIR_MIGRATE_NON_SHARED_DISK: copy the disks too.</summary>
    NonSharedDisk = 64,
    /// <summary>VIR_MIGRATE_UNSAFE: migrate even when libvirt thinks it unsafe.</summary>
    Unsafe = 512,
    /// <summary>VIR_MIGRATE_ABORT_ON_ERROR: abort on I/O errors during migration.</summary>
    AbortOnError = 4096,
    /// <summary>VIR_MIGRATE_AUTO_CONVERGE: throttle the guest's CPUs so that migration converges.</summary>
    AutoConverge = 8192,
    /// <summary>The node service's default, as PVC migrates: live, peer to peer, persistent on the destination, undefined on the source.</summary>
    Default = Live | PeerToPeer | PersistDestination | UndefineSource,
}
