using System.Net;
using System.Net.Sockets;

namespace Pvc.Testing.Network;

/// <summary>
/// A loopback TCP relay in front of a real server, so a test can cut a client's connection (and keep
/// it cut) without touching the server: <see cref="Cut"/> drops every relayed connection and refuses
/// new ones until <see cref="Restore"/>. The listener keeps its port for the proxy's whole life: a cut
/// accepts and resets at once, because giving the port up and binding it again can fail when another
/// socket took it meanwhile.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly Lock _lock = new();
    private readonly List<TcpClient> _open = [];
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _disposed = new();
    private bool _cut;
    private TaskCompletionSource _repliesFlow = Open();
    private byte[]? _pauseOn;
    private TaskCompletionSource? _pausedOn;
    private byte[]? _cutOn;
    private TaskCompletionSource? _cutDone;

    private static TaskCompletionSource Open()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    /// <summary>Starts relaying from a free loopback port to <paramref name="targetPort"/> on 127.0.0.1.</summary>
    public TcpProxy(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync(_disposed.Token);
    }

    /// <summary>The port clients connect to.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c> of the relay.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Number of connections relayed since the start.</summary>
    public int ConnectionCount { get; private set; }

    /// <summary>Drops every open connection and refuses new ones.</summary>
    public void Cut()
    {
        lock (_lock)
        {
            _cut = true;
            foreach (var c in _open)
                c.Client.Close(0);
            _open.Clear();
        }
    }

    /// <summary>Holds back everything the server sends (requests still reach it) until <see cref="ResumeReplies"/>.</summary>
    public void PauseReplies()
    {
        lock (_lock)
            if (_repliesFlow.Task.IsCompleted)
                _repliesFlow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Lets the server's replies through again.</summary>
    public void ResumeReplies()
    {
        lock (_lock)
            _repliesFlow.TrySetResult();
    }

    /// <summary>
    /// Holds back every reply from the moment a client sends a request carrying <paramref name="marker"/> (matched
    /// within one read of the client's stream, which holds a whole small request): the server gets and commits that
    /// request, but its answer, and every later one, waits for <see cref="ResumeReplies"/>, so a <see cref="Cut"/> then
    /// loses exactly that answer. The task completes once the request went through.
    /// </summary>
    public Task PauseRepliesAfterRequestWith(byte[] marker)
    {
        ArgumentNullException.ThrowIfNull(marker);
        lock (_lock)
        {
            _pauseOn = marker;
            _pausedOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _pausedOn.Task;
        }
    }

    /// <summary>
    /// Cuts every connection (as <see cref="Cut"/>) when a client sends a request carrying <paramref name="marker"/>,
    /// instead of relaying it: the server never gets that request. The task completes once cut.
    /// </summary>
    public Task CutOnRequestWith(byte[] marker)
    {
        ArgumentNullException.ThrowIfNull(marker);
        lock (_lock)
        {
            _cutOn = marker;
            _cutDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _cutDone.Task;
        }
    }

    /// <summary>True (and everything cut) when <paramref name="request"/> carries the marker of <see cref="CutOnRequestWith"/>.</summary>
    private bool CutIfMarked(ReadOnlySpan<byte> request)
    {
        TaskCompletionSource? done;
        lock (_lock)
        {
            if (_cutOn is null || request.IndexOf(_cutOn) < 0)
                return false;
            _cutOn = null;
            done = _cutDone;
        }
        Cut();
        done?.TrySetResult();
        return true;
    }

    /// <summary>Pauses the replies, before <paramref name="request"/> is relayed, when it carries the awaited marker.</summary>
    private TaskCompletionSource? PauseIfMarked(ReadOnlySpan<byte> request)
    {
        lock (_lock)
        {
            if (_pauseOn is null || request.IndexOf(_pauseOn) < 0)
                return null;
            _pauseOn = null;
            if (_repliesFlow.Task.IsCompleted)
                _repliesFlow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _pausedOn;
        }
    }

    private Task RepliesMayFlow()
    {
        lock (_lock)
            return _repliesFlow.Task;
    }

    /// <summary>Relays new connections again, on the same port.</summary>
    public void Restore()
    {
        lock (_lock)
            _cut = false;
    }

    private bool IsCut
    {
        get
        {
            lock (_lock)
                return _cut;
        }
    }

    private async Task AcceptLoopAsync(CancellationToken token)
    {
        try
        {
            while (!token.IsCancellationRequested)
            {
                var inbound = await _listener.AcceptTcpClientAsync(token);
                if (IsCut)
                {
                    // refused: a reset before the client can send anything
                    inbound.Client.Close(0);
                    continue;
                }
                var outbound = new TcpClient { NoDelay = true };
                inbound.NoDelay = true;
                try
                {
                    await outbound.ConnectAsync(_target, token);
                }
                catch (SocketException)
                {
                    inbound.Dispose();
                    outbound.Dispose();
                    continue;
                }
                lock (_lock)
                {
                    if (_cut)
                    {
                        // cut while connecting onward
                        inbound.Client.Close(0);
                        outbound.Dispose();
                        continue;
                    }
                    _open.Add(inbound);
                    _open.Add(outbound);
                    ConnectionCount++;
                }
                _ = PumpAsync(inbound, outbound, null, PauseIfMarked, CutIfMarked);
                _ = PumpAsync(outbound, inbound, RepliesMayFlow, null);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // disposed
        }
    }

    private delegate TaskCompletionSource? RequestInspector(ReadOnlySpan<byte> request);

    private delegate bool RequestFilter(ReadOnlySpan<byte> request);

    private static async Task PumpAsync(TcpClient from, TcpClient to, Func<Task>? gate, RequestInspector? inspect, RequestFilter? cut = null)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var source = from.GetStream();
            var sink = to.GetStream();
            int read;
            while ((read = await source.ReadAsync(buffer)) > 0)
            {
                if (gate is not null)
                    await gate();
                if (cut?.Invoke(buffer.AsSpan(0, read)) == true)
                    break;
                var paused = inspect?.Invoke(buffer.AsSpan(0, read));
                await sink.WriteAsync(buffer.AsMemory(0, read));
                paused?.TrySetResult();
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            from.Client.Close(0);
            to.Client.Close(0);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Cut();
        _disposed.Cancel();
        _listener.Stop();
        _disposed.Dispose();
        return ValueTask.CompletedTask;
    }
}
