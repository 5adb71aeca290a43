namespace Pvc.ZooKeeper.Protocol;

/// <summary>Which of ZooKeeper's three watch tables a watch is in.</summary>
internal enum WatchKind
{
    Data,
    Exist,
    Child,
}

/// <summary>
/// The client's registered one-shot watches (the Java client's ZKWatchManager): added when a read
/// with a watch is answered, removed when an event triggers them, and listed for setWatches after
/// a reconnect so the server re-arms them.
/// </summary>
internal sealed class WatchRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<Watcher>> _data = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Watcher>> _exist = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Watcher>> _child = new(StringComparer.Ordinal);

    private Dictionary<string, HashSet<Watcher>> Table(WatchKind kind) => kind switch
    {
        WatchKind.Data => _data,
        WatchKind.Exist => _exist,
        _ => _child,
    };

    public void Add(WatchKind kind, string path, Watcher watcher)
    {
        lock (_lock)
        {
            var table = Table(kind);
            if (!table.TryGetValue(path, out var set))
                table[path] = set = [];
            set.Add(watcher);
        }
    }

    /// <summary>Removes and returns the watchers an event triggers (ZooKeeper's one-shot rule).</summary>
    public List<Watcher> Trigger(WatchEventType type, string path)
    {
        var result = new List<Watcher>();
        lock (_lock)
        {
            switch (type)
            {
                case WatchEventType.NodeCreated:
                case WatchEventType.NodeDataChanged:
                    Take(_data, path, result);
                    Take(_exist, path, result);
                    break;
                case WatchEventType.NodeChildrenChanged:
                    Take(_child, path, result);
                    break;
                case WatchEventType.NodeDeleted:
                    Take(_data, path, result);
                    Take(_exist, path, result);
                    Take(_child, path, result);
                    break;
            }
        }
        return result;
    }

    private static void Take(Dictionary<string, HashSet<Watcher>> table, string path, List<Watcher> into)
    {
        if (table.Remove(path, out var set))
            foreach (var w in set)
                if (!into.Contains(w))
                    into.Add(w);
    }

    public bool IsEmpty
    {
        get
        {
            lock (_lock)
                return _data.Count == 0 && _exist.Count == 0 && _child.Count == 0;
        }
    }

    /// <summary>The watched paths of each table, for setWatches.</summary>
    public (List<string> Data, List<string> Exist, List<string> Child) Snapshot()
    {
        lock (_lock)
            return ([.. _data.Keys], [.. _exist.Keys], [.. _child.Keys]);
    }

    /// <summary>
    /// Removes every watch (the session is gone) and returns each watcher with its path, once per path however many
    /// of the three tables held it there (as one change fires it once).
    /// </summary>
    public List<(string Path, Watcher Watcher)> Clear()
    {
        lock (_lock)
        {
            var all = new[] { _data, _exist, _child }
                .SelectMany(table => table.SelectMany(entry => entry.Value.Select(watcher => (entry.Key, watcher))))
                .Distinct()
                .ToList();
            _data.Clear();
            _exist.Clear();
            _child.Clear();
            return all;
        }
    }
}
