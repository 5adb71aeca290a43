using System.Text;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Nodes;

// The primary coordinator hand-over: asking for it, and waiting until the node services have carried it out.
public sealed partial class NodeOperations
{
    /// <summary>Makes a coordinator the primary (<c>/config/primary_node</c> = its name); it must be a running coordinator.</summary>
    public async Task SetPrimaryAsync(string name, CancellationToken cancellationToken = default)
    {
        var node = await GetAsync(name, cancellationToken);
        RequireRunningCoordinator(node);
        if (node.CoordinatorState == CoordinatorState.Primary)
            return;
        await Zk.SetDataAsync(BaseKeys.PrimaryNode, Utf8(name), cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Makes the primary coordinator step down (<c>/config/primary_node</c> = "none": the other running coordinators
    /// elect a new primary). Refused, with nothing written, when no other coordinator runs that could take over.
    /// </summary>
    public async Task SetSecondaryAsync(string name, CancellationToken cancellationToken = default)
    {
        NodeName.Validate(name);
        var nodes = await NodeReader.ListAsync(Zk, cancellationToken);
        var node = nodes.SingleOrDefault(n => n.Name == name)
            ?? throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"There is no node '{name}'.") { Target = name };
        RequireRunningCoordinator(node);
        var primary = await Zk.GetDataAsync(BaseKeys.PrimaryNode, cancellationToken: cancellationToken);
        if (Encoding.UTF8.GetString(primary.Data) != name)
        {
            if (node.CoordinatorState is CoordinatorState.Secondary)
                return;
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.NotPrimary, $"The node '{name}' is not the primary coordinator; there is nothing to hand over.") { Target = name };
        }
        // with no other candidate the node services would elect this node again: say so instead of pretending
        if (!nodes.Any(n => n.Name != name && n.Mode == NodeMode.Coordinator && n.DaemonState == NodeDaemonState.Run))
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.NoOtherCoordinator, $"No other coordinator is running to take over from '{name}'; it stays primary.") { Target = name };
        try
        {
            await Zk.SetDataAsync(BaseKeys.PrimaryNode, Utf8("none"), primary.Stat.Version, cancellationToken);
        }
        catch (BadVersionException e)
        {
            throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.PrimaryChangedMeanwhile, "The primary coordinator changed meanwhile; nothing was written.", e) { Target = name };
        }
    }

    private static void RequireRunningCoordinator(Node node)
    {
        if (node.Mode != NodeMode.Coordinator)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.NotCoordinator, $"The node '{node.Name}' is a hypervisor, not a coordinator; only coordinators can be primary.") { Target = node.Name };
        if (node.DaemonState != NodeDaemonState.Run)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.NodeNotRunning, $"The node '{node.Name}''s service is {node.DaemonState.ToString().ToLowerInvariant()}, not run.") { Target = node.Name };
    }

    /// <summary>
    /// Waits, on watches, until the node services have carried out a hand-over: for <paramref name="primary"/>, until
    /// the node's coordinator state is primary; otherwise until it is secondary and another node has been elected and
    /// is primary. Reports each coordinator state seen; returns the node as it then is.
    /// </summary>
    /// <exception cref="PvcException">OperationTimeout: The deadline passed first.</exception>
    public async Task<Node> WaitCoordinatorAsync(string name, bool primary, TimeSpan timeout, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        NodeName.Validate(name);
        Reading.WaitTimeout.Validate(timeout, name);
        var started = System.Diagnostics.Stopwatch.GetTimestamp(); // monotonic, as every wait's deadline
        TimeSpan Left() => timeout - System.Diagnostics.Stopwatch.GetElapsedTime(started) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
        await WaitRouterStateAsync(name, primary ? CoordinatorState.Primary : CoordinatorState.Secondary, Left(), timeout,
            s => progress?.Invoke($"{name}: {Wire.CoordinatorState.Describe(s)}"), cancellationToken);
        if (!primary)
        {
            // the election that follows "none": some other node is named, and has taken over
            var elected = await ZnodeWaiter.WaitAsync(Zk, BaseKeys.PrimaryNode, text => new Named(text), n => n.Text is not ("" or "none") && n.Text != name, Left(),
                n => progress?.Invoke(n.Text is "" or "none" ? "electing a new primary" : $"{n.Text} elected"),
                () => new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.ClusterNotInitialized, "The cluster has no /config/primary_node."),
                _ => new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout, $"No other coordinator was elected primary within {timeout.TotalSeconds:0.#} s; are the other node services running?") { Target = name },
                cancellationToken);
            await WaitRouterStateAsync(elected.Text, CoordinatorState.Primary, Left(), timeout,
                s => progress?.Invoke($"{elected.Text}: {Wire.CoordinatorState.Describe(s)}"), cancellationToken);
        }
        return await GetAsync(name, cancellationToken);
    }

    private Task<CoordinatorState> WaitRouterStateAsync(string name, CoordinatorState state, TimeSpan left, TimeSpan timeout, Action<CoordinatorState> progress, CancellationToken cancellationToken) =>
        ZnodeWaiter.WaitAsync(Zk, NodeKeys.Path(name, NodeKeys.RouterState), text => Wire.CoordinatorState.Decode(text), s => s == state, left, progress,
            () => new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"There is no node '{name}'.") { Target = name },
            last => new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout, $"The node '{name}' is still {Wire.CoordinatorState.Describe(last)}, not {Wire.CoordinatorState.Describe(state)}, after {timeout.TotalSeconds:0.#} s; is its node service running?") { Target = name },
            cancellationToken);

    /// <summary>The text of <c>/config/primary_node</c>, as a value the waiter can compare.</summary>
    private readonly record struct Named(string Text);
}
