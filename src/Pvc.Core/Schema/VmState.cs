namespace Pvc.Core.Schema;

/// <summary>A VM's state (<c>/domains/&lt;uuid&gt;/state</c>).</summary>
public enum VmState
{
    /// <summary>A value this version does not know.</summary>
    Unknown = 0,
    /// <summary>Running, or to be started.</summary>
    Start,
    /// <summary>To be restarted.</summary>
    Restart,
    /// <summary>To be shut down gracefully.</summary>
    Shutdown,
    /// <summary>Stopped (or to be stopped hard).</summary>
    Stop,
    /// <summary>Stopped and kept out of flushes and recovery.</summary>
    Disable,
    /// <summary>Failed to start; see the failed reason.</summary>
    Fail,
    /// <summary>Migrating to its node (live, falling back to shutdown).</summary>
    Migrate,
    /// <summary>Migrating live only.</summary>
    MigrateLive,
    /// <summary>Returning to its last node (listed by PVC, never written).</summary>
    Unmigrate,
    /// <summary>Being provisioned.</summary>
    Provision,
    /// <summary>Being imported.</summary>
    Import,
    /// <summary>Being restored.</summary>
    Restore,
    /// <summary>A mirror of a VM on another cluster.</summary>
    Mirror,
    /// <summary>Being deleted.</summary>
    Delete,
}
