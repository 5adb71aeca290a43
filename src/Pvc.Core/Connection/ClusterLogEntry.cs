namespace Pvc.Core.Connection;

/// <summary>
/// One line of a connection's own log (connection losses, failed reconnects, expiry), for callers that keep a log of
/// their own (the node service writes them to its journal) without depending on the ZooKeeper client's types.
/// </summary>
/// <param name="Level">How much it matters.</param>
/// <param name="Message">What happened (never a password).</param>
/// <param name="Exception">The error behind it, if any.</param>
public sealed record ClusterLogEntry(ClusterLogLevel Level, string Message, Exception? Exception = null);
