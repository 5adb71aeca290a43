using System.Text;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Nodes;

/// <summary>The operations on nodes: list, flush (drain), ready, coordinator hand-over, log; and waiting for a node's domain state.</summary>
public sealed partial class NodeOperations(ClusterConnection cluster)
{
    private ZooKeeperClient Zk => cluster.ZooKeeper;

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Nodes that pass the filter, sorted by name.</summary>
    public async Task<IReadOnlyList<Node>> ListAsync(NodeFilter? filter = null, CancellationToken cancellationToken = default) =>
        [.. (await NodeReader.ListAsync(Zk, cancellationToken)).Where(n => filter?.Matches(n) ?? true)];

    /// <summary>One node.</summary>
    /// <exception cref="PvcException">NotFound: There is no such node.</exception>
    /// <exception cref="PvcException">InvalidArgument: "InvalidNodeName": the name cannot be a node's (see <see cref="NodeName"/>).</exception>
    public async Task<Node> GetAsync(string name, CancellationToken cancellationToken = default) =>
        (await NodeReader.ReadAsync(Zk, [Checked(name)], cancellationToken)).SingleOrDefault()
        ?? throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"There is no node '{name}'.") { Target = name };

    /// <summary>
    /// Asks a node to drain (domain state "flush"): its node service moves its VMs away. A node that is flushed
    /// or flushing already is left as it is. Returns the node as it is after the request.
    /// </summary>
    public Task<Node> FlushAsync(string name, CancellationToken cancellationToken = default) =>
        SetDomainStateAsync(name, NodeDomainState.Flush, [NodeDomainState.Flushed, NodeDomainState.Flush], cancellationToken);

    /// <summary>
    /// Waits, on watches, until the node is flushed, reporting its domain state and how many VMs it still runs
    /// (each time its keepalive changes that); returns the node as it then is.
    /// </summary>
    public async Task<Node> WaitFlushedAsync(string name, TimeSpan timeout, Action<FlushProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        NodeName.Validate(name);
        WaitTimeout.Validate(timeout, name);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var counting = WatchRunningVmCountAsync(name, count => progress?.Invoke(new FlushProgress(null, count)), watching.Token);
        try
        {
            await WaitForDomainStateAsync(name, [NodeDomainState.Flushed], timeout, s => progress?.Invoke(new FlushProgress(s, null)), cancellationToken);
        }
        finally
        {
            await watching.CancelAsync();
            await counting;
        }
        return await GetAsync(name, cancellationToken);
    }

    /// <summary>Reports how many VMs the node runs, each time its keepalive changes that, until cancelled.</summary>
    public async Task WatchRunningVmCountAsync(string name, Action<int> progress, CancellationToken cancellationToken)
    {
        NodeName.Validate(name);
        try
        {
            await Reading.ZnodeWaiter.WaitAsync(Zk, NodeKeys.Path(name, NodeKeys.RunningDomains), text => PvcList.DecodeSpace(text).Count, _ => false,
                Timeout.InfiniteTimeSpan, progress, () => new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"There is no node '{name}'.") { Target = name },
                _ => new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout, "unreachable"), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>After <see cref="ReadyAsync"/>: until the node is ready (its VMs are back); returns the node as it then is.</summary>
    public async Task<Node> WaitReadyAsync(string name, TimeSpan timeout, Action<NodeDomainState>? progress = null, CancellationToken cancellationToken = default)
    {
        await WaitForDomainStateAsync(name, [NodeDomainState.Ready], timeout, progress, cancellationToken);
        return await GetAsync(name, cancellationToken);
    }

    /// <summary>Asks a node to take its VMs back (domain state "unflush"); a ready node is left as it is.</summary>
    public Task<Node> ReadyAsync(string name, CancellationToken cancellationToken = default) =>
        SetDomainStateAsync(name, NodeDomainState.Unflush, [NodeDomainState.Ready, NodeDomainState.Unflush], cancellationToken);

    private async Task<Node> SetDomainStateAsync(string name, NodeDomainState state, NodeDomainState[] alreadyThere, CancellationToken cancellationToken)
    {
        NodeName.Validate(name);
        var path = NodeKeys.Path(name, NodeKeys.DomainState);
        var current = await ReadVersionedAsync(name, path, cancellationToken);
        if (!alreadyThere.Contains(Wire.DomainState.Decode(current.Text)))
        {
            try
            {
                await Zk.SetDataAsync(path, Utf8(Wire.DomainState.Encode(state)), current.Version, cancellationToken);
            }
            catch (BadVersionException e)
            {
                throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.NodeChangedMeanwhile, $"The node '{name}' changed its domain state meanwhile; nothing was written. Try again.", e) { Target = name };
            }
        }
        return await GetAsync(name, cancellationToken);
    }

    private async Task<(string? Text, int Version)> ReadVersionedAsync(string node, string path, CancellationToken cancellationToken)
    {
        try
        {
            var data = await Zk.GetDataAsync(path, cancellationToken: cancellationToken);
            return (Encoding.UTF8.GetString(data.Data), data.Stat.Version);
        }
        catch (NoNodeException)
        {
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"There is no node '{node}'.") { Target = node };
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of a node's log (<c>/logs/&lt;node&gt;/messages</c>).</summary>
    public async Task<IReadOnlyList<string>> GetLogAsync(string name, int lines = 200, CancellationToken cancellationToken = default)
    {
        await GetAsync(name, cancellationToken);
        try
        {
            var data = await Zk.GetDataAsync(LogPath(name), cancellationToken: cancellationToken);
            return [.. LogWindow.Lines(Encoding.UTF8.GetString(data.Data)).Where(l => l.Length > 0).TakeLast(Math.Max(0, lines))];
        }
        catch (NoNodeException)
        {
            return [];
        }
    }

    /// <summary>
    /// A node's log as its service writes it: the last <paramref name="tail"/> lines, then each new line as it comes,
    /// on a watch, until <paramref name="cancellationToken"/> is cancelled. A node whose service has not logged yet is
    /// waited for.
    /// </summary>
    /// <exception cref="PvcException">NotFound: There is no such node.</exception>
    public async IAsyncEnumerable<string> FollowLogAsync(string name, int tail = 10,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await GetAsync(name, cancellationToken);
        var path = LogPath(name);
        while (await Zk.ExistsAsync(path, cancellationToken: cancellationToken) is null)
        {
            // no log yet (a service that has not started, or logs elsewhere): wait for its creation on a watch
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (await Zk.ExistsAsync(path, _ => created.TrySetResult(), cancellationToken) is not null)
                break;
            await created.Task.WaitAsync(cancellationToken);
        }
        await foreach (var line in LogFollower.FollowAsync(Zk, path, tail, endsWithNewline: false, cancellationToken))
            if (line.Length > 0)
                yield return line;
    }

    private static string LogPath(string node) => FaultKeys.Logs.Path(Checked(node), FaultKeys.LogMessages);

    /// <summary>Waits, on a watch, until the node's domain state is one of <paramref name="states"/>; reports each state seen.</summary>
    /// <exception cref="PvcException">OperationTimeout: The deadline passed first.</exception>
    /// <param name="name">The node.</param>
    /// <param name="states">The states that end the wait.</param>
    /// <param name="timeout">The deadline.</param>
    /// <param name="progress">Called with each state seen.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <param name="waitForNode">Wait for a node that has not registered yet instead of failing with NodeNotFound.</param>
    public Task<NodeDomainState> WaitForDomainStateAsync(string name, IReadOnlyCollection<NodeDomainState> states, TimeSpan timeout,
        Action<NodeDomainState>? progress = null, CancellationToken cancellationToken = default, bool waitForNode = false) =>
        Reading.ZnodeWaiter.WaitAsync(Zk, NodeKeys.Path(Checked(name), NodeKeys.DomainState), Wire.DomainState.Decode, states.Contains, timeout, progress,
            () => new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"There is no node '{name}'.") { Target = name },
            last => new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout, $"The node '{name}' is still {Wire.DomainState.Describe(last)} after {timeout.TotalSeconds:0.#} s; is its node service running?") { Target = name },
            cancellationToken, waitForNode);

    /// <summary>The name, once <see cref="NodeName.Validate"/> has passed it: for expressions that build a node's paths.</summary>
    private static string Checked(string name)
    {
        NodeName.Validate(name);
        return name;
    }
}
