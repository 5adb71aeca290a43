using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Pvc.ZooKeeper.Protocol;

/// <summary>
/// One TCP connection to one server: the handshake, then a send loop that batches queued requests
/// into few socket writes (many in flight at once, matched to replies by xid), a receive loop that
/// parses whole frames out of large reads, and pings when the line is idle.
/// </summary>
internal sealed class ServerConnection : IAsyncDisposable
{
    private const int MaxBatchBytes = 256 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly Queue<PendingRequest> _inFlight = new();
    private readonly Queue<AuthRequest> _authInFlight = new();
    private readonly Lock _inFlightLock = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private int _disposed;
    private readonly JuteWriter _sendBuffer = new(64 * 1024);
    private byte[] _receiveBuffer = new byte[64 * 1024];
    private int _receiveStart;
    private int _receiveEnd;
    private long _lastReceive = Stopwatch.GetTimestamp();
    private long _lastSend = Stopwatch.GetTimestamp();
    private int _nextXid = 1;

    private ServerConnection(Socket socket, Stream stream, DnsEndPointText server)
    {
        _socket = socket;
        _stream = stream;
        Server = server;
    }

    public DnsEndPointText Server { get; }

    /// <summary>Connects, and with <paramref name="tls"/> authenticates the server (and offers the client certificate) before anything else is sent.</summary>
    public static async Task<ServerConnection> OpenAsync(DnsEndPointText server, ZooKeeperTlsOptions? tls, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        // large socket buffers let a bulk read keep thousands of requests and answers on the wire
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendBufferSize = 1 << 20, ReceiveBufferSize = 1 << 20 };
        Stream stream;
        try
        {
            await socket.ConnectAsync(server.Host, server.Port, cts.Token);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (tls is not null)
                stream = await ServerCertificateCheck.AuthenticateAsync(stream, server, tls, cts.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new ServerConnection(socket, stream, server);
    }

    /// <summary>Sends the ConnectRequest and reads the ConnectResponse.</summary>
    public async Task<ConnectResponse> HandshakeAsync(long lastZxid, int timeoutMs, long sessionId, byte[] password, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var w = new JuteWriter(64);
        var frame = w.BeginFrame();
        w.WriteInt(0); // protocol version
        w.WriteLong(lastZxid);
        w.WriteInt(timeoutMs);
        w.WriteLong(sessionId);
        w.WriteBuffer(password);
        w.WriteBool(false); // read-only
        w.EndFrame(frame);
        await _stream.WriteAsync(w.WrittenMemory, cts.Token);
        var body = await ReadFrameAsync(cts.Token) ?? throw new IOException($"{Server} closed the connection during the handshake.");
        return Parse(body.Span);

        static ConnectResponse Parse(ReadOnlySpan<byte> span)
        {
            var r = new JuteReader(span);
            r.ReadInt(); // protocol version
            var negotiated = r.ReadInt();
            var session = r.ReadLong();
            var pw = r.ReadBuffer() ?? [];
            return new ConnectResponse(negotiated, session, pw);
        }
    }

    /// <summary>Writes setWatches (in batches) and the session's credentials before any queued request.</summary>
    public async Task SendPreambleAsync(IEnumerable<AuthRequest> auth, WatchRegistry watches, long lastZxid, Chroot chroot, CancellationToken cancellationToken)
    {
        var w = new JuteWriter();
        foreach (var a in auth)
        {
            lock (_inFlightLock)
                _authInFlight.Enqueue(a);
            WriteFrame(w, SpecialXid.Auth, a, chroot);
        }
        var (data, exist, child) = watches.Snapshot();
        // The server caps a packet at 1 MiB (jute.maxbuffer): send the paths in batches, as the Java client does.
        var batches = new List<(List<string>, List<string>, List<string>)>();
        var current = (new List<string>(), new List<string>(), new List<string>());
        var size = 0;
        foreach (var (list, pick) in new[] { (data, 0), (exist, 1), (child, 2) })
            foreach (var path in list)
            {
                var server = chroot.ToServer(path);
                if (size + server.Length > 128 * 1024)
                {
                    batches.Add(current);
                    current = ([], [], []);
                    size = 0;
                }
                (pick == 0 ? current.Item1 : pick == 1 ? current.Item2 : current.Item3).Add(server);
                size += server.Length + 4;
            }
        if (size > 0)
            batches.Add(current);
        foreach (var (d, e, c) in batches)
        {
            var frame = w.BeginFrame();
            w.WriteInt(SpecialXid.SetWatches);
            w.WriteInt((int)OpCode.SetWatches);
            w.WriteLong(lastZxid);
            w.WriteStrings(d);
            w.WriteStrings(e);
            w.WriteStrings(c);
            w.EndFrame(frame);
        }
        if (w.Length > 0)
            await _stream.WriteAsync(w.WrittenMemory, cancellationToken);
    }

    private void WriteFrame(JuteWriter w, int xid, PendingRequest request, Chroot chroot)
    {
        var frame = w.BeginFrame();
        w.WriteInt(xid);
        w.WriteInt((int)request.OpCode);
        request.WriteBody(w, chroot);
        w.EndFrame(frame);
    }

    /// <summary>
    /// Runs the connection until it fails or is stopped; then fails every request in flight with
    /// ConnectionLoss. Returns the reason it ended.
    /// </summary>
    public async Task<Exception?> RunAsync(ChannelReader<PendingRequest> outgoing, IConnectionEvents events, Chroot chroot, WatchRegistry watches, TimeSpan readTimeout, int maxRequestSize)
    {
        var token = _stop.Token;
        var send = SendLoopAsync(outgoing, chroot, maxRequestSize, token);
        var receive = ReceiveLoopAsync(events, chroot, watches, token);
        var ping = PingLoopAsync(readTimeout, token);
        var first = await Task.WhenAny(send, receive, ping);
        var reason = first.Exception?.GetBaseException();
        await _stop.CancelAsync();
        _socket.Close(0);
        try
        {
            await Task.WhenAll(send, receive, ping);
        }
        catch (Exception)
        {
            // each loop ends with an exception once the socket is closed; the first reason is the one kept
        }
        FailInFlight(reason);
        return reason;
    }

    private void FailInFlight(Exception? reason)
    {
        List<PendingRequest> failed;
        lock (_inFlightLock)
        {
            failed = [.. _inFlight, .. _authInFlight];
            _inFlight.Clear();
            _authInFlight.Clear();
        }
        foreach (var request in failed)
            request.Fail(new ConnectionLossException(request.Path, $"The connection to ZooKeeper server {Server} was lost before the answer arrived.", reason));
    }

    /// <summary>Stops the connection (the session loop then decides what comes next); a no-op once it is disposed.</summary>
    public void Stop()
    {
        // the session loop disposes a connection that ended while a closing client may still stop it
        if (Volatile.Read(ref _disposed) != 0)
            return;
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // disposed between the check and the call: stopped all the same
        }
    }

    private async Task SendLoopAsync(ChannelReader<PendingRequest> outgoing, Chroot chroot, int maxRequestSize, CancellationToken token)
    {
        while (await outgoing.WaitToReadAsync(token))
        {
            await _writeLock.WaitAsync(token);
            try
            {
                _sendBuffer.Reset();
                while (_sendBuffer.Length < MaxBatchBytes && outgoing.TryRead(out var request))
                {
                    if (request.IsCompleted)
                        continue; // cancelled while it waited
                    var start = _sendBuffer.Length;
                    WriteFrame(_sendBuffer, request is AuthRequest ? SpecialXid.Auth : _nextXid, request, chroot);
                    var size = _sendBuffer.Length - start - 4;
                    if (size > maxRequestSize)
                    {
                        // the server would drop the connection, failing every request in flight: refuse this one alone
                        _sendBuffer.Truncate(start);
                        request.Fail(new RequestTooLargeException(request.Path, size, maxRequestSize));
                        continue;
                    }
                    // queued before the batch is written, so the reply always finds its request
                    lock (_inFlightLock)
                    {
                        if (request is AuthRequest auth)
                        {
                            _authInFlight.Enqueue(auth);
                        }
                        else
                        {
                            request.Xid = _nextXid++;
                            _inFlight.Enqueue(request);
                        }
                    }
                }
                if (_sendBuffer.Length > 0)
                {
                    await _stream.WriteAsync(_sendBuffer.WrittenMemory, token);
                    Volatile.Write(ref _lastSend, Stopwatch.GetTimestamp());
                }
            }
            finally
            {
                _writeLock.Release();
            }
        }
    }

    private async Task PingLoopAsync(TimeSpan readTimeout, CancellationToken token)
    {
        var pingAfter = readTimeout / 2;
        var tick = TimeSpan.FromMilliseconds(Math.Max(50, readTimeout.TotalMilliseconds / 6));
        var ping = new JuteWriter(16);
        var frame = ping.BeginFrame();
        ping.WriteInt(SpecialXid.Ping);
        ping.WriteInt((int)OpCode.Ping);
        ping.EndFrame(frame);
        using var timer = new PeriodicTimer(tick);
        while (await timer.WaitForNextTickAsync(token))
        {
            if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastReceive)) > readTimeout)
                throw new TimeoutException($"ZooKeeper server {Server} sent nothing for {readTimeout.TotalSeconds:0.#} s.");
            if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastSend)) < pingAfter)
                continue;
            await _writeLock.WaitAsync(token);
            try
            {
                await _stream.WriteAsync(ping.WrittenMemory, token);
                Volatile.Write(ref _lastSend, Stopwatch.GetTimestamp());
            }
            finally
            {
                _writeLock.Release();
            }
        }
    }

    private async Task ReceiveLoopAsync(IConnectionEvents events, Chroot chroot, WatchRegistry watches, CancellationToken token)
    {
        while (true)
        {
            if (!await FillAsync(token))
                throw new IOException($"ZooKeeper server {Server} closed the connection.");
            while (TryTakeFrame(out var start, out var length))
                HandleReply(_receiveBuffer.AsSpan(start, length), events, chroot, watches);
        }
    }

    private void HandleReply(ReadOnlySpan<byte> frame, IConnectionEvents events, Chroot chroot, WatchRegistry watches)
    {
        var r = new JuteReader(frame);
        var xid = r.ReadInt();
        var zxid = r.ReadLong();
        var error = (ZooKeeperErrorCode)r.ReadInt();
        if (zxid > 0)
            events.OnZxid(zxid);
        switch (xid)
        {
            case SpecialXid.Ping:
            case SpecialXid.SetWatches:
                return;
            case SpecialXid.Notification:
                var type = r.ReadInt();
                r.ReadInt(); // keeper state
                var path = r.ReadString() ?? "";
                if (type is >= 1 and <= 4)
                    events.OnNotification((WatchEventType)type, path);
                return;
            case SpecialXid.Auth:
                AuthRequest? auth;
                lock (_inFlightLock)
                    _authInFlight.TryDequeue(out auth);
                auth?.Complete(error, ref r, chroot, watches);
                return;
        }
        PendingRequest? request;
        lock (_inFlightLock)
            _inFlight.TryDequeue(out request);
        if (request is null || request.Xid != xid)
            throw new ZooKeeperProtocolException($"ZooKeeper server {Server} answered xid {xid}, but {request?.Xid.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} was next.");
        request.Complete(error, ref r, chroot, watches);
    }

    /// <summary>Reads more bytes into the receive buffer; false at end of stream.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken token)
    {
        if (_receiveStart == _receiveEnd)
        {
            _receiveStart = _receiveEnd = 0;
        }
        else if (_receiveEnd == _receiveBuffer.Length)
        {
            // make room: move the partial frame to the front, or grow for a frame larger than the buffer
            var pending = _receiveEnd - _receiveStart;
            var target = pending + 4 > _receiveBuffer.Length / 2 ? new byte[_receiveBuffer.Length * 2] : _receiveBuffer;
            Buffer.BlockCopy(_receiveBuffer, _receiveStart, target, 0, pending);
            _receiveBuffer = target;
            _receiveStart = 0;
            _receiveEnd = pending;
        }
        var read = await _stream.ReadAsync(_receiveBuffer.AsMemory(_receiveEnd), token);
        if (read == 0)
            return false;
        _receiveEnd += read;
        Volatile.Write(ref _lastReceive, Stopwatch.GetTimestamp());
        return true;
    }

    private bool TryTakeFrame(out int start, out int length)
    {
        start = length = 0;
        var available = _receiveEnd - _receiveStart;
        if (available < 4)
            return false;
        length = BinaryPrimitives.ReadInt32BigEndian(_receiveBuffer.AsSpan(_receiveStart));
        if (length < 0 || length > 64 * 1024 * 1024)
            throw new ZooKeeperProtocolException($"ZooKeeper server {Server} sent a frame of {length} bytes.");
        if (available < 4 + length)
        {
            if (4 + length > _receiveBuffer.Length)
            {
                var bigger = new byte[Math.Max(_receiveBuffer.Length * 2, 4 + length)];
                Buffer.BlockCopy(_receiveBuffer, _receiveStart, bigger, 0, available);
                _receiveBuffer = bigger;
                _receiveStart = 0;
                _receiveEnd = available;
            }
            return false;
        }
        start = _receiveStart + 4;
        _receiveStart += 4 + length;
        return true;
    }

    private async Task<ReadOnlyMemory<byte>?> ReadFrameAsync(CancellationToken token)
    {
        while (true)
        {
            if (TryTakeFrame(out var start, out var length))
                return _receiveBuffer.AsMemory(start, length).ToArray();
            if (!await FillAsync(token))
                return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stop.CancelAsync();
        await _stream.DisposeAsync();
        _stop.Dispose();
        _writeLock.Dispose();
    }
}
