using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Pvc.ZooKeeper.Protocol;

namespace Pvc.ZooKeeper;

/// <summary>
/// A ZooKeeper client: one session over one connection at a time, moving to another server of the
/// ensemble when a connection drops, without losing the session while it lives. Requests are
/// pipelined; watches are one-shot and their callbacks run one at a time, in the server's order, on
/// the client's event loop, which also raises <see cref="StateChanged"/>.
/// </summary>
public sealed partial class ZooKeeperClient : IAsyncDisposable
{
    private readonly ConnectionString _connectionString;
    private readonly ZooKeeperClientOptions _options;
    private readonly Chroot _chroot;
    private readonly WatchRegistry _watches = new();
    private readonly Channel<PendingRequest> _outgoing = Channel.CreateUnbounded<PendingRequest>(new() { SingleReader = true });
    private readonly Channel<Action> _events = Channel.CreateUnbounded<Action>(new() { SingleReader = true });
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _stateLock = new();
    private readonly List<(string Scheme, byte[] Auth)> _auth;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ZooKeeperState _state = ZooKeeperState.Connecting;
    private string? _server;
    private long _disconnectedAt = Stopwatch.GetTimestamp();
    private Task _sessionLoop = Task.CompletedTask;
    private Task _eventLoop = Task.CompletedTask;
    private ServerConnection? _connection;
    private volatile bool _closing;
    private volatile IReadOnlyList<Acl> _defaultAcl;
    private volatile Exception? _lastConnectError;

    private ZooKeeperClient(ConnectionString connectionString, ZooKeeperClientOptions options)
    {
        // below a few KiB even the session's own setWatches and credentials after a reconnect would be refused
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRequestSize, 4096, nameof(options));
        _connectionString = connectionString;
        _options = options;
        _chroot = new Chroot(connectionString.Chroot);
        _auth = [.. options.Auth];
        _defaultAcl = ValidAcl(options.DefaultAcl, nameof(options));
    }

    /// <summary>Connects to the ensemble and waits for a session (at most <see cref="ZooKeeperClientOptions.ConnectTimeout"/>).</summary>
    /// <param name="connectionString"><c>host:port[,host:port...][/chroot]</c>.</param>
    /// <param name="options">Session timeout, credentials, ...</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public static async Task<ZooKeeperClient> ConnectAsync(string connectionString, ZooKeeperClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        var client = new ZooKeeperClient(ConnectionString.Parse(connectionString), options ?? new ZooKeeperClientOptions());
        client.Start();
        try
        {
            await client.WaitConnectedAsync(client._options.ConnectTimeout, cancellationToken);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
        return client;
    }

    /// <summary>The session's state.</summary>
    public ZooKeeperState State
    {
        get
        {
            lock (_stateLock)
                return _state;
        }
    }

    /// <summary>Raised on the event loop whenever <see cref="State"/> changes.</summary>
    public event EventHandler<ZooKeeperStateChangedEventArgs>? StateChanged;

    /// <summary>Raised on the event loop when a watch callback throws (the loop carries on).</summary>
    public event EventHandler<Exception>? WatcherFailed;

    /// <summary>The session id (0 before the first session).</summary>
    public long SessionId { get; private set; }

    private int _outstanding;
    private long _roundTrips;

    /// <summary>
    /// The round trips this client has waited for: requests sent while no other was outstanding. Requests in flight
    /// together (a pipelined batch, a transaction sent beside a read) count once; pings and watch events not at all.
    /// What a caller's sequence of operations costs in latency is the difference of two readings.
    /// </summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    /// <summary>
    /// Marks requests sent until the returned scope is disposed as sent together, for <see cref="RoundTrips"/>: a caller
    /// that sends several requests before it waits for any answer pays one round trip, even when the machine is slow
    /// enough for an early answer to arrive before its last request went out.
    /// </summary>
    public IDisposable SendTogether()
    {
        if (Interlocked.Increment(ref _outstanding) == 1)
            Interlocked.Increment(ref _roundTrips);
        return new SentTogether(this);
    }

    private sealed class SentTogether(ZooKeeperClient client) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                Interlocked.Decrement(ref client._outstanding);
        }
    }

    /// <summary>The session timeout the server granted.</summary>
    public TimeSpan SessionTimeout { get; private set; }

    /// <summary>The server of the current connection, or null while disconnected.</summary>
    public string? ConnectedServer
    {
        get
        {
            lock (_stateLock)
                return _state == ZooKeeperState.Connected ? _server : null;
        }
    }

    /// <summary>The connection string's chroot, or null.</summary>
    public string? Chroot => _chroot.Prefix;

    /// <summary>Waits until the client is connected, or fails when the session is expired or closed.</summary>
    public async Task WaitConnectedAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Task waiting;
        lock (_stateLock)
        {
            ThrowIfDead();
            waiting = _connected.Task;
        }
        try
        {
            await waiting.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException e)
        {
            // the last attempt's failure says why (refused, a certificate not trusted, ...)
            var last = _lastConnectError;
            throw new ConnectionLossException(null, $"No ZooKeeper server of {_connectionString} accepted a session within {timeout.TotalSeconds:0.#} s" +
                (last is null ? "." : $"; the last attempt: {last.Message}"), last ?? e);
        }
    }

    /// <summary>
    /// The ACL of every znode this client creates without naming one: plain creates, creates within transactions, and
    /// the recipes' lock nodes. A cluster's connection sets it to the cluster's ACL, so that nothing it creates is
    /// more open than the rest of the cluster.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty (ZooKeeper refuses a znode without an ACL).</exception>
    public IReadOnlyList<Acl> DefaultAcl
    {
        get => _defaultAcl;
        set => _defaultAcl = ValidAcl(value, nameof(value));
    }

    private static IReadOnlyList<Acl> ValidAcl(IReadOnlyList<Acl> acl, string parameter)
    {
        ArgumentNullException.ThrowIfNull(acl, parameter);
        if (acl.Count == 0)
            throw new ArgumentException("An ACL needs at least one entry; ZooKeeper refuses a znode without one.", parameter);
        return [.. acl];
    }

    /// <summary>Creates a znode and returns its path (with the sequence suffix for sequential modes).</summary>
    /// <param name="path">The znode.</param>
    /// <param name="data">Its data.</param>
    /// <param name="mode">Persistent, ephemeral, sequential.</param>
    /// <param name="acl">Its ACL; null for the client's <see cref="DefaultAcl"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task<string> CreateAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode = CreateMode.Persistent, IReadOnlyList<Acl>? acl = null, CancellationToken cancellationToken = default)
    {
        PathValidation.Validate(path, sequential: mode is CreateMode.PersistentSequential or CreateMode.EphemeralSequential);
        return Submit(new CreateRequest(path, data, acl ?? _defaultAcl, mode), cancellationToken);
    }

    /// <summary>Deletes a znode; with a version other than -1 only when it is at that version.</summary>
    public Task DeleteAsync(string path, int version = -1, CancellationToken cancellationToken = default)
    {
        PathValidation.Validate(path);
        return Submit(new DeleteRequest(path, version), cancellationToken);
    }

    /// <summary>The znode's metadata, or null when it does not exist. A watcher fires on create, change or delete.</summary>
    public Task<Stat?> ExistsAsync(string path, Watcher? watcher = null, CancellationToken cancellationToken = default)
    {
        PathValidation.Validate(path);
        return Submit(new ExistsRequest(path, watcher), cancellationToken);
    }

    /// <summary>The znode's data and metadata. A watcher fires on change or delete.</summary>
    public Task<DataResult> GetDataAsync(string path, Watcher? watcher = null, CancellationToken cancellationToken = default)
    {
        PathValidation.Validate(path);
        return Submit(new GetDataRequest(path, watcher), cancellationToken);
    }

    /// <summary>Sets the znode's data; with a version other than -1 only when it is at that version (compare-and-set).</summary>
    public Task<Stat> SetDataAsync(string path, ReadOnlyMemory<byte> data, int version = -1, CancellationToken cancellationToken = default)
    {
        PathValidation.Validate(path);
        return Submit(new SetDataRequest(path, data, version), cancellationToken);
    }

    /// <summary>The znode's children and its metadata. A watcher fires when a child is added or removed, or the znode is deleted.</summary>
    public Task<ChildrenResult> GetChildrenAsync(string path, Watcher? watcher = null, CancellationToken cancellationToken = default)
    {
        PathValidation.Validate(path);
        return Submit(new GetChildrenRequest(path, watcher), cancellationToken);
    }

    /// <summary>Replaces the znode's ACL; with a version other than -1 only when its ACL is at that version (Stat.Aversion).</summary>
    public Task<Stat> SetAclAsync(string path, IReadOnlyList<Acl> acl, int version = -1, CancellationToken cancellationToken = default)
    {
        PathValidation.Validate(path);
        return Submit(new SetAclRequest(path, ValidAcl(acl, nameof(acl)), version), cancellationToken);
    }

    /// <summary>The znode's ACL and metadata.</summary>
    public Task<(IReadOnlyList<Acl> Acl, Stat Stat)> GetAclAsync(string path, CancellationToken cancellationToken = default)
    {
        PathValidation.Validate(path);
        return Submit(new GetAclRequest(path), cancellationToken);
    }

    /// <summary>
    /// Runs the operations as one transaction: all are applied or none. On failure the typed exception of the
    /// failing operation is thrown, with <see cref="ZooKeeperException.TransactionResults"/> and
    /// <see cref="ZooKeeperException.FailedOperationIndex"/> set.
    /// </summary>
    public Task<IReadOnlyList<OpResult>> MultiAsync(IEnumerable<Op> operations, CancellationToken cancellationToken = default)
    {
        var defaultAcl = _defaultAcl;
        // a create that names no ACL gets the client's default, as a plain create does
        var ops = operations.Select(op => op is CreateOp { Acl: null } create ? create with { Acl = defaultAcl } : op).ToList();
        foreach (var op in ops)
            PathValidation.Validate(op.Path, op is CreateOp { Mode: CreateMode.PersistentSequential or CreateMode.EphemeralSequential });
        if (ops.Count == 0)
            return Task.FromResult<IReadOnlyList<OpResult>>([]);
        return Submit(new MultiRequest(ops), cancellationToken);
    }

    /// <summary>
    /// Runs many reads in one request (ZooKeeper 3.6+'s multiRead): far cheaper for the server than one request
    /// a read. Not atomic as a whole; each read has its own result, so a missing znode fails only its own read.
    /// </summary>
    public Task<IReadOnlyList<ReadResult>> MultiReadAsync(IEnumerable<ReadOp> reads, CancellationToken cancellationToken = default)
    {
        var ops = reads.ToList();
        foreach (var op in ops)
            PathValidation.Validate(op.Path);
        if (ops.Count == 0)
            return Task.FromResult<IReadOnlyList<ReadResult>>([]);
        return Submit(new MultiReadRequest(ops), cancellationToken);
    }

    /// <summary>Waits until the connected server has caught up with the leader for the path.</summary>
    public Task SyncAsync(string path, CancellationToken cancellationToken = default)
    {
        PathValidation.Validate(path);
        return Submit(new SyncRequest(path), cancellationToken);
    }

    /// <summary>Adds credentials to the session (kept and sent again after every reconnect).</summary>
    /// <param name="scheme">The scheme, usually "digest".</param>
    /// <param name="auth">The credentials, for digest "user:password" in UTF-8.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task AddAuthAsync(string scheme, byte[] auth, CancellationToken cancellationToken = default)
    {
        var request = new AuthRequest(scheme, auth);
        lock (_stateLock)
            _auth.Add((scheme, auth));
        try
        {
            await Submit(request, cancellationToken);
        }
        catch (AuthFailedException)
        {
            lock (_stateLock)
                _auth.Remove((scheme, auth));
            throw;
        }
    }

    /// <summary>Adds digest credentials (<c>user:password</c>).</summary>
    public Task AddDigestAuthAsync(string user, string password, CancellationToken cancellationToken = default) =>
        AddAuthAsync("digest", Encoding.UTF8.GetBytes($"{user}:{password}"), cancellationToken);

    private Task<T> Submit<T>(PendingRequest<T> request, CancellationToken cancellationToken)
    {
        lock (_stateLock)
        {
            ThrowIfDead();
            if (_state == ZooKeeperState.Suspended && Stopwatch.GetElapsedTime(_disconnectedAt) > ReconnectWait)
                throw new ConnectionLossException(request.Path, $"ZooKeeper has been unreachable for {Stopwatch.GetElapsedTime(_disconnectedAt).TotalSeconds:0.#} s; the client is still trying {_connectionString}.");
        }
        cancellationToken.ThrowIfCancellationRequested();
        // a request sent while none is outstanding waits for a round trip of its own; one sent beside others shares theirs
        if (Interlocked.Increment(ref _outstanding) == 1)
            Interlocked.Increment(ref _roundTrips);
        request.OnSettled(() => Interlocked.Decrement(ref _outstanding));
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(static (state, token) => ((PendingRequest<T>)state!).Cancel(token), request);
            request.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, TaskScheduler.Default);
        }
        if (!_outgoing.Writer.TryWrite(request))
            request.Fail(State == ZooKeeperState.Expired ? new SessionExpiredException() : new ClientClosedException());
        return request.Task;
    }

    private TimeSpan ReconnectWait => _options.ReconnectWait ?? (SessionTimeout > TimeSpan.Zero ? SessionTimeout : _options.SessionTimeout);

    private void ThrowIfDead()
    {
        if (_state == ZooKeeperState.Expired)
            throw new SessionExpiredException();
        if (_state == ZooKeeperState.Closed || _closing)
            throw new ClientClosedException();
    }

    /// <summary>Closes the session (its ephemeral znodes go at once) and the connection.</summary>
    public async Task CloseAsync()
    {
        if (_closing)
        {
            await _sessionLoop;
            return;
        }
        if (State == ZooKeeperState.Connected)
        {
            var close = new CloseSessionRequest();
            _outgoing.Writer.TryWrite(close);
            _closing = true;
            try
            {
                await close.Task.WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (Exception e) when (e is ZooKeeperException or TimeoutException)
            {
                // the server goes away with the session either way
            }
        }
        _closing = true;
        await _shutdown.CancelAsync();
        _connection?.Stop();
        await _sessionLoop;
        End(ZooKeeperState.Closed);
        await _eventLoop;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _shutdown.Dispose();
    }
}
