using System.Collections.Concurrent;
using System.Text;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Tests.Cluster;

/// <summary>
/// Watches every node's coordinator state (<c>/nodes/&lt;n&gt;/routerstate</c>) as a client of the cluster would:
/// on each change it reads all of them in one multi-read (one consistent view of the server's tree) and keeps
/// that snapshot, so a moment with two primaries that a watcher could see is one the test sees.
/// </summary>
internal sealed class RouterStateWatcher : IAsyncDisposable
{
    private readonly ZooKeeperClient _zk;
    private readonly IReadOnlyList<string> _nodes;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    private RouterStateWatcher(ZooKeeperClient zk, IReadOnlyList<string> nodes)
    {
        _zk = zk;
        _nodes = nodes;
    }

    /// <summary>Every snapshot taken: node name to coordinator state, with the newest change it includes (its zxid).</summary>
    public ConcurrentQueue<(long Zxid, IReadOnlyDictionary<string, string> States)> Snapshots { get; } = new();

    /// <summary>Starts watching; returns once every watch is armed and the first snapshot is taken.</summary>
    public static async Task<RouterStateWatcher> StartAsync(ZooKeeperClient zk, IReadOnlyList<string> nodes)
    {
        var watcher = new RouterStateWatcher(zk, nodes);
        var armed = nodes.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        for (var i = 0; i < nodes.Count; i++)
            watcher._loops.Add(watcher.WatchAsync(NodeKeys.Path(nodes[i], NodeKeys.RouterState), armed[i]));
        await Task.WhenAll(armed.Select(a => a.Task)).WaitAsync(TimeSpan.FromSeconds(30));
        return watcher;
    }

    /// <summary>The distinct states one node went through, in order, as the snapshots saw them.</summary>
    public List<string> StatesOf(string node)
    {
        var states = new List<string>();
        // in the server's order (two watch loops may enqueue their snapshots the other way round)
        foreach (var (_, snapshot) in Snapshots.OrderBy(s => s.Zxid))
            if (states.Count == 0 || states[^1] != snapshot[node])
                states.Add(snapshot[node]);
        return states;
    }

    private async Task WatchAsync(string path, TaskCompletionSource armed)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await _zk.GetDataAsync(path, _ => changed.TrySetResult(), _stop.Token);
                await SnapshotAsync();
                armed.TrySetResult();
                await changed.Task.WaitAsync(_stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task SnapshotAsync()
    {
        var reads = await _zk.MultiReadAsync(_nodes.Select(n => ReadOp.GetData(NodeKeys.Path(n, NodeKeys.RouterState))), _stop.Token);
        var snapshot = new Dictionary<string, string>();
        var zxid = 0L;
        for (var i = 0; i < _nodes.Count; i++)
        {
            snapshot[_nodes[i]] = reads[i] is ReadResult.Data d ? Encoding.UTF8.GetString(d.Bytes) : "(missing)";
            zxid = Math.Max(zxid, reads[i] is ReadResult.Data r ? r.Stat.ModifiedZxid : 0);
        }
        Snapshots.Enqueue((zxid, snapshot));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }
}
