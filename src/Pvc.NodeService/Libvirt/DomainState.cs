namespace Pvc.NodeService.Libvirt;

/// <summary>A domain's state (<c>virDomainState</c>).</summary>
public enum DomainState
{
    /// <summary>VIR_DOMAIN_NOSTATE.</summary>
    NoState = 0,
    /// <summary>VIR_DOMAIN_RUNNING.</summary>
    Running = 1,
    /// <summary>VIR_DOMAIN_BLOCKED: blocked on a resource.</summary>
    Blocked = 2,
    /// <summary>VIR_DOMAIN_PAUSED: paused by the user or during migration.</summary>
    Paused = 3,
    /// <summary>VIR_DOMAIN_SHUTDOWN: being shut down.</summary>
    Shutdown = 4,
    /// <summary>VIR_DOMAIN_SHUTOFF: not running.</summary>
    Shutoff = 5,
    /// <summary>VIR_DOMAIN_CRASHED.</summary>
    Crashed = 6,
    /// <summary>VIR_DOMAIN_PMSUSPENDED: suspended by guest power management.</summary>
    PmSuspended = 7,
}
