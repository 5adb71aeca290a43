namespace Pvc.ZooKeeper;

/// <summary>The client's connection and session state.</summary>
public enum ZooKeeperState
{
    /// <summary>Establishing the first connection of the session.</summary>
    Connecting,
    /// <summary>Connected; the session is alive.</summary>
    Connected,
    /// <summary>The connection was lost; the client is reconnecting and the session may still be alive.</summary>
    Suspended,
    /// <summary>The server expired the session: ephemeral nodes and watches are gone. Create a new client.</summary>
    Expired,
    /// <summary>The client was closed.</summary>
    Closed,
}
