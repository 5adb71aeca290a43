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
}

/// <summary>A triggered watch: the event and the znode's path (relative to the client's chroot).</summary>
/// <param name="Type">What happened.</param>
/// <param name="Path">The znode.</param>
public sealed record WatchedEvent(WatchEventType Type, string Path);

/// <summary>A one-shot watch callback. Callbacks run one at a time, in the order the server sent the events.</summary>
/// <param name="watchedEvent">The event.</param>
public delegate void Watcher(WatchedEvent watchedEvent);
