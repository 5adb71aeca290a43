using System.Text;
using System.Text.RegularExpressions;

namespace Pvc.ZooKeeper.Recipes;

/// <summary>
/// A lock compatible on the wire with kazoo's Lock, ReadLock and WriteLock: a contender is an
/// ephemeral sequential child <c>&lt;uuid hex&gt;__lock__NNNNNNNNNN</c> (or <c>__rlock__</c>) of the
/// locked znode, holding the identifier as data; it holds the lock when no contender it must
/// respect has a lower sequence number, and otherwise watches its nearest such predecessor. PVC's
/// tools put these under data znodes (<c>/domains/&lt;uuid&gt;/state</c>, ...), so kazoo's locks and
/// these exclude each other.
/// </summary>
public sealed class ZooKeeperLock : IAsyncDisposable
{
    private readonly ZooKeeperClient _client;
    private readonly string _prefix;
    private readonly Regex _contenders;
    private readonly byte[] _identifier;
    private string? _node;
    private bool _creating;

    /// <summary>Creates a lock on <paramref name="path"/> (not acquired yet).</summary>
    /// <param name="client">The session that will own the lock node.</param>
    /// <param name="path">The znode to lock (created when missing, as kazoo does).</param>
    /// <param name="kind">Exclusive, read or write.</param>
    /// <param name="identifier">Data of the lock node, shown to other contenders (kazoo: the identifier).</param>
    public ZooKeeperLock(ZooKeeperClient client, string path, LockKind kind = LockKind.Exclusive, string? identifier = null)
    {
        PathValidation.Validate(path);
        _client = client;
        Path = path;
        Kind = kind;
        var nodeName = kind == LockKind.Read ? "__rlock__" : "__lock__";
        var respected = kind == LockKind.Write ? "__lock__|__rlock__" : "__lock__";
        _prefix = Guid.NewGuid().ToString("N") + nodeName;
        _contenders = new Regex($"(?:{respected})(-?\\d{{10}})$", RegexOptions.CultureInvariant);
        _identifier = Encoding.UTF8.GetBytes(identifier ?? "");
    }

    /// <summary>The locked znode.</summary>
    public string Path { get; }

    /// <summary>The kind of lock.</summary>
    public LockKind Kind { get; }

    /// <summary>True between a successful acquire and the release.</summary>
    public bool IsAcquired { get; private set; }

    /// <summary>The full path of this contender's node, once created.</summary>
    public string? NodePath => _node is null ? null : $"{Path}/{_node}";

    /// <summary>Acquires the lock, waiting at most <paramref name="timeout"/> (null: without limit).</summary>
    /// <exception cref="LockTimeoutException">Another holder kept the lock for the whole timeout.</exception>
    public async Task AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (!await TryAcquireAsync(timeout ?? Timeout.InfiniteTimeSpan, cancellationToken))
            throw new LockTimeoutException(Path, timeout ?? Timeout.InfiniteTimeSpan);
    }

    /// <summary>Tries to acquire the lock within <paramref name="timeout"/>; false when it did not (and leaves no node behind).</summary>
    public Task<bool> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => TryAcquireAsync(timeout, null, cancellationToken);

    /// <summary>
    /// Tries to acquire the lock within <paramref name="timeout"/>; false when it did not (and leaves no node behind).
    /// <paramref name="queued"/> is called once this contender's node exists, that is once it has its place in the queue.
    /// </summary>
    public async Task<bool> TryAcquireAsync(TimeSpan timeout, Action? queued, CancellationToken cancellationToken = default)
    {
        if (IsAcquired)
            throw new InvalidOperationException($"The lock on {Path} is already held by this object.");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
            deadline.CancelAfter(timeout);
        try
        {
            await EnsurePathAsync(deadline.Token);
            _creating = true;
            _node = await CreateNodeAsync(deadline.Token);
            _creating = false;
            queued?.Invoke();
            while (true)
            {
                var predecessor = await PredecessorAsync(deadline.Token);
                if (predecessor is null)
                {
                    IsAcquired = true;
                    return true;
                }
                var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                void OnState(object? sender, ZooKeeperStateChangedEventArgs e)
                {
                    if (e.Current != ZooKeeperState.Connected)
                        gone.TrySetResult();
                }
                _client.StateChanged += OnState;
                try
                {
                    if (await _client.ExistsAsync($"{Path}/{predecessor}", _ => gone.TrySetResult(), deadline.Token) is not null)
                        await gone.Task.WaitAsync(deadline.Token);
                }
                finally
                {
                    _client.StateChanged -= OnState;
                }
                // after a connection loss, wait for the session to come back before looking again
                if (_client.State != ZooKeeperState.Connected)
                    await _client.WaitConnectedAsync(Timeout.InfiniteTimeSpan, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await RemoveNodeAsync(cancellationToken);
            return false;
        }
        catch
        {
            await RemoveNodeAsync(cancellationToken);
            throw;
        }
    }

    /// <summary>
    /// Releases the lock (deletes this contender's node). A connection loss does not end it: it waits for the session
    /// to come back and deletes again, so that it returns only once the node is gone, or the session is over (which
    /// takes its ephemeral node along). Cancelled, or failing otherwise, it keeps the node, and a later call deletes it.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the connection (the lock may then still be held).</param>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        IsAcquired = false;
        await RemoveNodeAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await ReleaseAsync();

    private async Task EnsurePathAsync(CancellationToken cancellationToken)
    {
        if (await _client.ExistsAsync(Path, cancellationToken: cancellationToken) is not null)
            return;
        var parts = Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "";
        foreach (var part in parts)
        {
            current += "/" + part;
            try
            {
                await _client.CreateAsync(current, ReadOnlyMemory<byte>.Empty, cancellationToken: cancellationToken);
            }
            catch (NodeExistsException)
            {
            }
        }
    }

    private async Task<string> CreateNodeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var created = await _client.CreateAsync($"{Path}/{_prefix}", _identifier, CreateMode.EphemeralSequential, cancellationToken: cancellationToken);
                return created[(Path.Length + 1)..];
            }
            catch (ConnectionLossException)
            {
                // the create may have happened: the uuid prefix finds our node (kazoo and Curator do the same)
                await _client.WaitConnectedAsync(Timeout.InfiniteTimeSpan, cancellationToken);
                var children = await _client.GetChildrenAsync(Path, cancellationToken: cancellationToken);
                var mine = children.Children.FirstOrDefault(c => c.StartsWith(_prefix, StringComparison.Ordinal));
                if (mine is not null)
                    return mine;
            }
        }
    }

    /// <summary>The nearest contender before us that this kind of lock must wait for, or null when we hold it.</summary>
    private async Task<string?> PredecessorAsync(CancellationToken cancellationToken)
    {
        var children = (await _client.GetChildrenAsync(Path, cancellationToken: cancellationToken)).Children;
        if (!children.Contains(_node))
            throw new SessionExpiredException();
        var own = Sequence(_node!);
        string? predecessor = null;
        string? predecessorSequence = null;
        foreach (var child in children)
        {
            var match = _contenders.Match(child);
            if (!match.Success)
                continue;
            var sequence = match.Groups[1].Value;
            if (string.CompareOrdinal(sequence, own) < 0 &&
                (predecessorSequence is null || string.CompareOrdinal(sequence, predecessorSequence) > 0))
            {
                predecessor = child;
                predecessorSequence = sequence;
            }
        }
        return predecessor;
    }

    private static string Sequence(string node) => node.Length >= 10 && node[^11] == '-' ? node[^11..] : node[^10..];

    // The node is forgotten only once it is known to be gone: forgotten earlier (a delete lost to a connection loss),
    // it would stay for the rest of a session that may live for weeks, and every other contender would wait on it.
    private async Task RemoveNodeAsync(CancellationToken cancellationToken = default)
    {
        if (_creating)
        {
            // given up while the create was on its way: the server may have made the node all the same. It handles a
            // session's requests in order, so a listing sent now sees it if it was made
            _node = await FindOwnNodeAsync(cancellationToken);
            _creating = false;
        }
        while (_node is { } node)
        {
            try
            {
                await _client.DeleteAsync($"{Path}/{node}", cancellationToken: cancellationToken);
            }
            catch (NoNodeException)
            {
            }
            catch (ConnectionLossException) when (!SessionOver)
            {
                // the delete may or may not have reached the server: once connected again, delete again (NoNode is fine)
                try
                {
                    await _client.WaitConnectedAsync(Timeout.InfiniteTimeSpan, cancellationToken);
                }
                catch (ZooKeeperException) when (SessionOver)
                {
                }
                if (!SessionOver)
                    continue;
            }
            catch (ZooKeeperException) when (SessionOver)
            {
                // the session is gone, and its ephemeral node with it
            }
            _node = null;
        }
    }

    private async Task<string?> FindOwnNodeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var children = await _client.GetChildrenAsync(Path, cancellationToken: cancellationToken);
                return children.Children.FirstOrDefault(c => c.StartsWith(_prefix, StringComparison.Ordinal));
            }
            catch (NoNodeException)
            {
                return null;
            }
            catch (ConnectionLossException) when (!SessionOver)
            {
                try
                {
                    await _client.WaitConnectedAsync(Timeout.InfiniteTimeSpan, cancellationToken);
                }
                catch (ZooKeeperException) when (SessionOver)
                {
                    return null;
                }
            }
            catch (ZooKeeperException) when (SessionOver)
            {
                return null;
            }
        }
    }

    private bool SessionOver => _client.State is ZooKeeperState.Expired or ZooKeeperState.Closed;
}
