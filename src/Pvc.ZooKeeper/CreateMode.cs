namespace Pvc.ZooKeeper;

/// <summary>How a znode is created (the wire values of ZooKeeper's CreateMode).</summary>
public enum CreateMode
{
    /// <summary>Stays until deleted.</summary>
    Persistent = 0,
    /// <summary>Removed when the creating session ends.</summary>
    Ephemeral = 1,
    /// <summary>Persistent, with a 10-digit sequence number appended to the name.</summary>
    PersistentSequential = 2,
    /// <summary>Ephemeral, with a 10-digit sequence number appended to the name.</summary>
    EphemeralSequential = 3,
}
