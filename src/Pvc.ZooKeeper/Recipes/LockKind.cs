namespace Pvc.ZooKeeper.Recipes;

/// <summary>The three lock recipes of kazoo (and so of PVC's tools), which this client's locks match on the wire.</summary>
public enum LockKind
{
    /// <summary>kazoo's <c>Lock</c>: one holder; contenders are <c>__lock__</c> nodes.</summary>
    Exclusive,
    /// <summary>kazoo's <c>ReadLock</c>: shared with other readers; waits only for earlier writers.</summary>
    Read,
    /// <summary>kazoo's <c>WriteLock</c>: one holder; waits for earlier readers and writers.</summary>
    Write,
}
