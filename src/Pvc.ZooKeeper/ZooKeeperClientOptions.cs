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

    /// <summary>
    /// ZooKeeper's default jute.maxbuffer (1 MiB) less 1 KiB: the server drops a connection whose request is larger
    /// than its jute.maxbuffer, and a transaction must still fit, with its own header, in the packets the leader
    /// sends its followers.
    /// </summary>
    public const int DefaultMaxRequestSize = 1024 * 1024 - 1024;

    /// <summary>
    /// The largest request (header and body, in bytes) the client sends; a larger one fails with
    /// <see cref="RequestTooLargeException"/> before it is sent. Raise it only with the servers' jute.maxbuffer.
    /// </summary>
    public int MaxRequestSize { get; init; } = DefaultMaxRequestSize;

    /// <summary>TLS to the servers (their secure client port); null (the default): plain TCP.</summary>
    public ZooKeeperTlsOptions? Tls { get; init; }

    /// <summary>
    /// The client's logging hook: connection failures, reconnects, session expiry and watch callbacks that threw.
    /// Called on the client's own threads; it must be quick and must not throw (what it throws is ignored).
    /// </summary>
    public Action<ZooKeeperLogEntry>? Log { get; init; }

    /// <summary>
    /// The ACL of the znodes this client creates when a create names none (<see cref="ZooKeeperClient.CreateAsync"/>,
    /// <see cref="Op.Create"/>, lock nodes); <see cref="ZooKeeperClient.DefaultAcl"/> changes it later. Open to
    /// everyone unless given.
    /// </summary>
    public IReadOnlyList<Acl> DefaultAcl { get; init; } = Acl.OpenUnsafe;

    /// <summary>Credentials sent with every connection (scheme, auth bytes), e.g. ("digest", "user:password").</summary>
    public IReadOnlyList<(string Scheme, byte[] Auth)> Auth { get; init; } = [];
}
