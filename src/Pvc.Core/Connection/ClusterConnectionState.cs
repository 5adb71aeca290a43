namespace Pvc.Core.Connection;

/// <summary>The state of a <see cref="ClusterConnection"/>'s session, in Core's terms (what a user sees of it).</summary>
public enum ClusterConnectionState
{
    /// <summary>Making the session's first connection.</summary>
    Connecting,

    /// <summary>Connected to a server; requests are answered.</summary>
    Connected,

    /// <summary>The connection was lost; reconnecting, and the session may still be alive.</summary>
    Suspended,

    /// <summary>The cluster ended the session; the next operation opens a new one (<see cref="ClusterConnection.RenewExpiredSessionAsync"/>).</summary>
    Expired,

    /// <summary>Closed by its owner; not opened again.</summary>
    Closed,
}
