namespace Pvc.NodeService.Daemon;

/// <summary>How a sender's live migration attempts ended, as far as where the guest is goes.</summary>
internal enum LiveMigrationOutcome
{
    /// <summary>libvirt reported the migration done: the guest runs on the target.</summary>
    Migrated,

    /// <summary>
    /// Every attempt failed and the guest still runs here (no migration job of libvirt's is left on it): the sender
    /// may fall back to a shutdown migration or put the VM back to "start" here.
    /// </summary>
    Failed,

    /// <summary>
    /// An attempt was reported failed, yet the guest is no longer here: libvirtd carried the peer-to-peer job on (the
    /// call's connection had dropped) and moved it, or it ended here. The receiver decides; nothing is started here.
    /// </summary>
    Left,
}
