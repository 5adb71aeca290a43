namespace Pvc.NodeService.Daemon;

/// <summary>
/// The long-running loops of one node session, by name (keepalive, VM supervision, flushes, election, fencing). Each
/// runs until the session ends and survives its own errors; one that ends before (it returned, or an error escaped
/// it) would leave the node half working with nothing to show for it, so the session waits on
/// <see cref="WhenOneEndsAsync"/> too and fails loudly instead.
/// </summary>
internal sealed class SessionLoops
{
    private readonly List<(string Name, Task Loop)> _loops = [];

    /// <summary>Adds a running loop.</summary>
    public void Add(string name, Task loop) => _loops.Add((name, loop));

    /// <summary>The first loop to end: its name, and its error when one escaped it (null when it returned).</summary>
    public async Task<(string Name, Exception? Error)> WhenOneEndsAsync()
    {
        var ended = await Task.WhenAny(_loops.Select(l => l.Loop));
        var name = _loops.First(l => l.Loop == ended).Name;
        return (name, ended.IsFaulted ? ended.Exception!.GetBaseException() : ended.IsCanceled ? new OperationCanceledException($"The {name} loop was cancelled.") : null);
    }

    /// <summary>Waits until every loop has ended, whatever their outcome.</summary>
    public Task WhenAllEndAsync() => Task.WhenAll(_loops.Select(l => l.Loop)).ContinueWith(_ => { }, TaskScheduler.Default);
}
