namespace Pvc.Core.Schema;

/// <summary>A node's coordinator (router) state (<c>/nodes/&lt;n&gt;/routerstate</c>).</summary>
public enum CoordinatorState
{
    /// <summary>A value this version does not know, or none.</summary>
    Unknown = 0,
    /// <summary>A hypervisor-only node.</summary>
    Client,
    /// <summary>A coordinator that is not primary.</summary>
    Secondary,
    /// <summary>Becoming primary.</summary>
    Takeover,
    /// <summary>The primary coordinator.</summary>
    Primary,
    /// <summary>Giving up the primary role.</summary>
    Relinquish,
}
