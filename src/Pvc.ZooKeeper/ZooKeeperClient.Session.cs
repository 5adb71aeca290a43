using System.Diagnostics;
using Pvc.ZooKeeper.Protocol;

namespace Pvc.ZooKeeper;

// The session loop: connect to a server, hand-shake (new session or resume), re-arm watches and
// credentials, run the connection until it drops, then move on to the next server.
public sealed partial class ZooKeeperClient : IConnectionEvents
{
    private long _lastZxid;
    private byte[] _password = new byte[16];

    private void Start()
    {
        _eventLoop = Task.Run(RunEventLoopAsync);
        _sessionLoop = Task.Run(RunSessionLoopAsync);
    }

    private async Task RunSessionLoopAsync()
    {
        var hosts = _connectionString.Hosts.OrderBy(_ => Random.Shared.Next()).ToList();
        var next = 0;
        var backoff = TimeSpan.FromMilliseconds(50);
        var token = _shutdown.Token;
        // what was last reported of each server during an outage: a repeat goes to Debug, not to Warning every second
        var reported = new Dictionary<DnsEndPointText, string>();
        while (!token.IsCancellationRequested && !_closing)
        {
            var host = hosts[next];
            next = (next + 1) % hosts.Count;
            var connectTimeout = TimeSpan.FromMilliseconds(Math.Max(1000, RequestedTimeout.TotalMilliseconds / hosts.Count));
            ServerConnection? connection = null;
            var established = false;
            try
            {
                connection = await ServerConnection.OpenAsync(host, _options.Tls, connectTimeout, token);
                var response = await connection.HandshakeAsync(
                    Interlocked.Read(ref _lastZxid), (int)RequestedTimeout.TotalMilliseconds, SessionId, _password, connectTimeout, token);
                if (response.TimeoutMs <= 0)
                {
                    Log(ZooKeeperLogLevel.Error, $"ZooKeeper session 0x{SessionId:x} expired (server {host}); this client is finished, connect again with a new one.");
                    End(ZooKeeperState.Expired);
                    return;
                }
                var resumed = SessionId != 0;
                SessionId = response.SessionId;
                _password = response.Password;
                SessionTimeout = TimeSpan.FromMilliseconds(response.TimeoutMs);
                List<AuthRequest> auth;
                lock (_stateLock)
                    auth = [.. _auth.Select(a => new AuthRequest(a.Scheme, a.Auth))];
                await connection.SendPreambleAsync(auth, _watches, Interlocked.Read(ref _lastZxid), _chroot, token);
                _connection = connection;
                var away = Stopwatch.GetElapsedTime(_disconnectedAt);
                SetState(ZooKeeperState.Connected, host.ToString());
                established = true;
                _lastConnectError = null;
                reported.Clear();
                Log(ZooKeeperLogLevel.Information, resumed
                    ? $"Reconnected to ZooKeeper server {host} after {away.TotalSeconds:0.#} s; session 0x{SessionId:x} lives on."
                    : $"Connected to ZooKeeper server {host}; session 0x{SessionId:x}, timeout {SessionTimeout.TotalSeconds:0.#} s.");
                backoff = TimeSpan.FromMilliseconds(50);
                // the Java client's read timeout: two thirds of the session timeout
                var reason = await connection.RunAsync(_outgoing.Reader, this, _chroot, _watches, SessionTimeout * 2 / 3, _options.MaxRequestSize);
                if (!_closing && !token.IsCancellationRequested)
                    Log(ZooKeeperLogLevel.Warning, $"Lost the connection to ZooKeeper server {host}: {reason?.Message ?? "it ended"}; reconnecting.", reason);
            }
            catch (Exception e) when (!token.IsCancellationRequested)
            {
                // this server is unreachable or dropped us; try the next one
                if (established)
                {
                    Log(ZooKeeperLogLevel.Warning, $"Lost the connection to ZooKeeper server {host}: {e.Message}; reconnecting.", e);
                }
                else
                {
                    _lastConnectError = e;
                    var message = $"Could not connect to ZooKeeper server {host}: {e.Message}";
                    var repeat = reported.TryGetValue(host, out var last) && last == e.Message;
                    reported[host] = e.Message;
                    Log(repeat ? ZooKeeperLogLevel.Debug : ZooKeeperLogLevel.Warning, message, e);
                }
            }
            catch (Exception)
            {
                // closing: whatever the connection threw while it was torn down (a cancelled TLS hand-shake throws an
                // AuthenticationException, a closed socket an IOException) must not fault the loop that CloseAsync awaits
            }
            finally
            {
                _connection = null;
                if (connection is not null)
                    await connection.DisposeAsync();
            }
            if (_closing || token.IsCancellationRequested)
                break;
            SetState(ZooKeeperState.Suspended, null);
            FailOverdueRequests();
            if (next == 0)
            {
                try
                {
                    await Task.Delay(backoff, token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                backoff = TimeSpan.FromMilliseconds(Math.Min(1000, backoff.TotalMilliseconds * 2));
            }
        }
    }

    /// <summary>Hands an entry to the options' log hook; a hook that throws does not stop the client.</summary>
    private void Log(ZooKeeperLogLevel level, string message, Exception? exception = null)
    {
        if (_options.Log is not { } log)
            return;
        try
        {
            log(new ZooKeeperLogEntry(level, message, exception));
        }
        catch (Exception)
        {
            // the hook's own failure must not end the session loop or the event loop
        }
    }

    private TimeSpan RequestedTimeout => _options.SessionTimeout;

    /// <summary>Requests that waited for a connection longer than allowed fail with ConnectionLoss.</summary>
    private void FailOverdueRequests()
    {
        if (Stopwatch.GetElapsedTime(_disconnectedAt) <= ReconnectWait)
            return;
        while (_outgoing.Reader.TryRead(out var request))
            request.Fail(new ConnectionLossException(request.Path, $"No ZooKeeper server of {_connectionString} could be reached within {ReconnectWait.TotalSeconds:0.#} s."));
    }

    private void SetState(ZooKeeperState state, string? server)
    {
        lock (_stateLock)
        {
            var previous = _state;
            if (previous == state || previous is ZooKeeperState.Expired or ZooKeeperState.Closed)
                return;
            _state = state;
            _server = server;
            // raised under the lock so that the event loop sees changes in the order they happened
            RaiseStateChanged(previous, state, server);
            if (state == ZooKeeperState.Connected)
            {
                // completed from the event loop, after StateChanged: whoever awaited the connection and then
                // subscribes does not receive this Connected event late
                var connected = _connected;
                _events.Writer.TryWrite(() => connected.TrySetResult());
            }
            else if (previous == ZooKeeperState.Connected)
            {
                _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _disconnectedAt = Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>
    /// The session is over (expired or closed): fail everything waiting, fire every watch with the end, and stop the
    /// event loop after the last event.
    /// </summary>
    private void End(ZooKeeperState final)
    {
        ZooKeeperState previous;
        lock (_stateLock)
        {
            previous = _state;
            if (previous is ZooKeeperState.Expired or ZooKeeperState.Closed)
                return;
            _state = final;
            _server = null;
            Exception reason = final == ZooKeeperState.Expired ? new SessionExpiredException() : new ClientClosedException();
            _connected.TrySetException(reason);
            _outgoing.Writer.TryComplete();
        }
        Exception failure = final == ZooKeeperState.Expired ? new SessionExpiredException() : new ClientClosedException();
        while (_outgoing.Reader.TryRead(out var request))
            request.Fail(failure);
        RaiseStateChanged(previous, final, null);
        // no change will ever fire these watches now: each fires once with the session's end, after the state
        // change, so that a waiter never waits forever and can tell this from a change
        var ended = final == ZooKeeperState.Expired ? WatchEventType.SessionExpired : WatchEventType.ClientClosed;
        foreach (var (path, watcher) in _watches.Clear())
        {
            var watchedEvent = new WatchedEvent(ended, path);
            _events.Writer.TryWrite(() => watcher(watchedEvent));
        }
        _events.Writer.TryComplete();
        if (final == ZooKeeperState.Expired)
            _shutdown.Cancel();
    }

    private void RaiseStateChanged(ZooKeeperState previous, ZooKeeperState current, string? server)
    {
        var args = new ZooKeeperStateChangedEventArgs(previous, current, server);
        _events.Writer.TryWrite(() => StateChanged?.Invoke(this, args));
    }

    private async Task RunEventLoopAsync()
    {
        await foreach (var action in _events.Reader.ReadAllAsync())
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                Log(ZooKeeperLogLevel.Error, $"A watch or state callback threw: {e.Message}", e);
                try
                {
                    WatcherFailed?.Invoke(this, e);
                }
                catch (Exception)
                {
                    // a failing error handler must not stop the loop
                }
            }
        }
    }

    void IConnectionEvents.OnZxid(long zxid)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref _lastZxid);
            if (zxid <= seen)
                return;
        }
        while (Interlocked.CompareExchange(ref _lastZxid, zxid, seen) != seen);
    }

    void IConnectionEvents.OnNotification(WatchEventType type, string serverPath)
    {
        var path = _chroot.ToClient(serverPath);
        var triggered = _watches.Trigger(type, path);
        if (triggered.Count == 0)
            return;
        var watchedEvent = new WatchedEvent(type, path);
        foreach (var watcher in triggered)
            _events.Writer.TryWrite(() => watcher(watchedEvent));
    }
}
