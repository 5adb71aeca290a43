namespace Pvc.ZooKeeper;

/// <summary>What a one-shot watch saw.</summary>
public enum WatchEventType
{
    /// <summary>The znode was created (exists watch).</summary>
    NodeCreated = 1,
    /// <summary>The znode was deleted.</summary>
    NodeDeleted = 2,
    /// <summary>The znode's data changed.</summary>
    NodeDataChanged = 3,
    /// <summary>A child was created or deleted.</summary>
    NodeChildrenChanged = 4,
    /// <summary>
    /// The session expired: the watch will never fire for a change. The znode may or may not have changed; read it
    /// again with a new client (this one fails every request with <see cref="SessionExpiredException"/>).
    /// </summary>
    SessionExpired = -112,
    /// <summary>The client was closed: the watch will never fire for a change.</summary>
    ClientClosed = -1000,
}

/// <summary>
/// A triggered watch: the event and the znode's path (relative to the client's chroot). Every watch fires exactly
/// once: for a change, or with <see cref="WatchEventType.SessionExpired"/> or <see cref="WatchEventType.ClientClosed"/>
/// when the session ends first, so that nothing waits on it forever.
/// </summary>
/// <param name="Type">What happened.</param>
/// <param name="Path">The znode.</param>
public sealed record WatchedEvent(WatchEventType Type, string Path)
{
    /// <summary>True when the session ended (expired or closed) rather than the znode changing.</summary>
    public bool IsSessionEnd => Type is WatchEventType.SessionExpired or WatchEventType.ClientClosed;
}

/// <summary>A one-shot watch callback. Callbacks run one at a time, in the order the server sent the events.</summary>
/// <param name="watchedEvent">The event.</param>
public delegate void Watcher(WatchedEvent watchedEvent);
