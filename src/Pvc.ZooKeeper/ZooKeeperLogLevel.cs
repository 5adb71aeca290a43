namespace Pvc.ZooKeeper;

/// <summary>How much a <see cref="ZooKeeperLogEntry"/> matters (the levels of Microsoft.Extensions.Logging, without the dependency).</summary>
public enum ZooKeeperLogLevel
{
    /// <summary>Detail for a developer: repeats of a failure already reported.</summary>
    Debug,
    /// <summary>The normal course: connected, reconnected.</summary>
    Information,
    /// <summary>Something failed and the client carries on: a lost connection, a server that did not answer.</summary>
    Warning,
    /// <summary>Something failed that the client cannot mend: an expired session, a watch callback that threw.</summary>
    Error,
}
