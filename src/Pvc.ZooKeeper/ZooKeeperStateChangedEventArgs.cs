namespace Pvc.ZooKeeper;

/// <summary>A change of <see cref="ZooKeeperClient.State"/>.</summary>
/// <param name="Previous">The state before.</param>
/// <param name="Current">The state now.</param>
/// <param name="Server">The server connected to, when <paramref name="Current"/> is Connected.</param>
public sealed record ZooKeeperStateChangedEventArgs(ZooKeeperState Previous, ZooKeeperState Current, string? Server);
