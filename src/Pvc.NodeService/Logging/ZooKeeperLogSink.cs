using System.Threading.Channels;
using Pvc.Core.Nodes;
using Pvc.NodeService.Daemon;

namespace Pvc.NodeService.Logging;

/// <summary>
/// Writes the service's log lines to <c>/logs/&lt;node&gt;/messages</c> as PVC keeps them (the last node_log_lines), in
/// batches: lines are queued without waiting (logging never blocks the keepalive) and written together at most every
/// <see cref="BatchDelay"/>, one versioned write a batch, so a burst of lines costs ZooKeeper one write, not one per line.
/// Lines logged while no session is up wait (the newest node_log_lines of them) for the next session.
/// </summary>
internal sealed class ZooKeeperLogSink : Microsoft.Extensions.Hosting.BackgroundService
{
    /// <inheritdoc/>
    public override void Dispose()
    {
        _writing.Dispose();
        base.Dispose();
    }

    /// <summary>How long lines gather before they are written.</summary>
    public static readonly TimeSpan BatchDelay = TimeSpan.FromMilliseconds(500);

    private readonly int _maxLines;
    private readonly Channel<string> _queue;
    private readonly Signal _attached = new();
    private volatile NodeHostOperations? _node;
    private long _dropped;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly List<string> _pending = [];

    /// <summary>A sink keeping <paramref name="maxLines"/> lines.</summary>
    public ZooKeeperLogSink(int maxLines)
    {
        _maxLines = maxLines;
        // a ZooKeeper outage must not grow memory without bound: the oldest queued lines go first (counted)
        _queue = Channel.CreateBounded<string>(new BoundedChannelOptions(Math.Max(maxLines, 1000)) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Queues a line (never waits).</summary>
    public void Enqueue(string line) => _queue.Writer.TryWrite(line);

    /// <summary>A session is up: lines go to this node's log through it.</summary>
    public void Attach(NodeHostOperations node)
    {
        _node = node;
        _attached.Set();
    }

    /// <summary>The session ended: lines wait for the next one.</summary>
    public void Detach(NodeHostOperations node)
    {
        if (_node == node)
            _node = null;
    }

    /// <summary>Writes batches until the service stops.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cancellationToken = stoppingToken;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (_pending.Count == 0)
                    await _queue.Reader.WaitToReadAsync(cancellationToken);
                await Task.Delay(failures == 0 ? BatchDelay : TimeSpan.FromSeconds(Math.Min(30, failures)), cancellationToken);
                if (_node is null)
                {
                    await _attached.WaitAsync(cancellationToken);
                    continue;
                }
                await WriteQueuedAsync(cancellationToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // not logged through the logger: that would queue a line about every failed write of lines
                if (failures++ == 0)
                    Console.Error.WriteLine($"pvcnoded: the node log could not be written to ZooKeeper ({e.Message}); retrying");
            }
        }
    }

    /// <summary>Writes what is queued now (the service's last lines, before its session closes); errors are reported on stderr.</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        try
        {
            using var deadline = new CancellationTokenSource(timeout);
            await WriteQueuedAsync(deadline.Token);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"pvcnoded: the last node log lines could not be written to ZooKeeper ({e.Message})");
        }
    }

    private async Task WriteQueuedAsync(CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            Drain(_pending);
            if (_pending.Count == 0 || _node is not { } node)
                return;
            await node.AppendLogAsync(_pending, _maxLines, cancellationToken);
            _pending.Clear();
        }
        finally
        {
            _writing.Release();
        }
    }

    private void Drain(List<string> pending)
    {
        while (_queue.Reader.TryRead(out var line))
            pending.Add(line);
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0)
            pending.Add($"pvcnoded:   warning: {dropped} log lines were dropped while ZooKeeper could not be written");
        if (pending.Count > _maxLines)
            pending.RemoveRange(0, pending.Count - _maxLines);
    }
}
