namespace Pvc.ZooKeeper;

/// <summary>
/// What the client tells its <see cref="ZooKeeperClientOptions.Log"/> hook. Messages name servers and sessions, never
/// credentials.
/// </summary>
/// <param name="Level">How much it matters.</param>
/// <param name="Message">One line of text.</param>
/// <param name="Exception">The failure, when there is one.</param>
public sealed record ZooKeeperLogEntry(ZooKeeperLogLevel Level, string Message, Exception? Exception = null);
