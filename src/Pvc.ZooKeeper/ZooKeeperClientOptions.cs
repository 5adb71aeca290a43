namespace Pvc.ZooKeeper;

/// <summary>Options of a <see cref="ZooKeeperClient"/>.</summary>
public sealed record ZooKeeperClientOptions
{
    /// <summary>The session timeout asked of the server (it may negotiate another within its limits).</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <see cref="ZooKeeperClient.ConnectAsync(string, ZooKeeperClientOptions?, CancellationToken)"/> waits for the first session.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a request waits for a connection while the client is reconnecting before it fails with
    /// <see cref="ConnectionLossException"/>. Defaults to the session timeout.
    /// </summary>
    public TimeSpan? ReconnectWait { get; init; }

    /// <summary>Credentials sent with every connection (scheme, auth bytes), e.g. ("digest", "user:password").</summary>
    public IReadOnlyList<(string Scheme, byte[] Auth)> Auth { get; init; } = [];
}
