namespace Pvc.NodeService.Libvirt;

/// <summary>What happened to a domain (<c>virDomainEventType</c>).</summary>
public enum DomainLifecycleEventType
{
    /// <summary>VIR_DOMAIN_EVENT_DEFINED: defined or updated.</summary>
    Defined = 0,
    /// <summary>VIR_DOMAIN_EVENT_UNDEFINED.</summary>
    Undefined = 1,
    /// <summary>VIR_DOMAIN_EVENT_STARTED: booted, restored or migrated in.</summary>
    Started = 2,
    /// <summary>VIR_DOMAIN_EVENT_SUSPENDED: paused (also during migration).</summary>
    Suspended = 3,
    /// <summary>VIR_DOMAIN_EVENT_RESUMED.</summary>
    Resumed = 4,
    /// <summary>VIR_DOMAIN_EVENT_STOPPED: shut down, destroyed, crashed, migrated away, saved or failed.</summary>
    Stopped = 5,
    /// <summary>VIR_DOMAIN_EVENT_SHUTDOWN: the guest began or finished shutting down.</summary>
    Shutdown = 6,
    /// <summary>VIR_DOMAIN_EVENT_PMSUSPENDED.</summary>
    PmSuspended = 7,
    /// <summary>VIR_DOMAIN_EVENT_CRASHED.</summary>
    Crashed = 8,
}
