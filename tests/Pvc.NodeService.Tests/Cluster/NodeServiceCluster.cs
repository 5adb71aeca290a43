using System.Text;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Nodes;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Lab;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Cluster;

/// <summary>
/// A real cluster on one machine: a private ZooKeeper (in its own chroot), an initialised PVC cluster, and one
/// pvcnoded process per node, each with its own libvirt test-driver host (test:///path.xml).
/// </summary>
internal sealed class NodeServiceCluster : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    internal NodeServiceCluster(LabCluster lab) => Lab = lab;

    /// <summary>The lab it runs on.</summary>
    public LabCluster Lab { get; }

    /// <summary>With <see cref="StartWithBmcsAsync"/>: each node's hypervisor, a libvirtd of its own.</summary>
    public IReadOnlyList<TestDriverDaemon> Hosts => Lab.Hosts;

    /// <summary>With <see cref="StartWithBmcsAsync"/>: each node's BMC, whose power-off kills the node's service and hypervisor.</summary>
    public IReadOnlyList<SimulatedBmc> Bmcs => Lab.Bmcs;

    public ClusterConnection Connection => Lab.Connection;

    public IReadOnlyList<NodeServiceProcess> Nodes => Lab.Nodes;

    public VmOperations Vms => new(Connection);

    public NodeOperations NodeOps => new(Connection);

    /// <summary>Starts <paramref name="count"/> node services (hv1, hv2, ...) on a fresh chroot of <paramref name="zk"/>.</summary>
    /// <param name="zk">The ZooKeeper server.</param>
    /// <param name="count">How many nodes.</param>
    /// <param name="extraNodeConfig">YAML appended to each node's pvc.conf (indent it to put it under <c>node:</c>).</param>
    /// <param name="zookeeperFor">Each node's ZooKeeper connection string, from its name and the chroot's.</param>
    /// <param name="writeConfig">Writes a node's pvc.conf (folder, name, all names, ZooKeeper) and returns its path;
    /// <see cref="LabNode.Write"/> (a test-driver host) by default.</param>
    public static async Task<NodeServiceCluster> StartAsync(ZooKeeperFixture zk, int count = 3, string extraNodeConfig = "", Func<string, string, string>? zookeeperFor = null,
        Func<string, string, IReadOnlyList<string>, string, string>? writeConfig = null) =>
        await StartAsync(await zk.NewChrootAsync("nodes"), count, extraNodeConfig, zookeeperFor, writeConfig);

    /// <summary>Starts <paramref name="count"/> node services on <paramref name="chroot"/> (a connection string with a chroot), e.g. a private server's.</summary>
    public static async Task<NodeServiceCluster> StartAsync(string chroot, int count = 3, string extraNodeConfig = "", Func<string, string, string>? zookeeperFor = null,
        Func<string, string, IReadOnlyList<string>, string, string>? writeConfig = null) =>
        new(await LabCluster.StartAsync(chroot, new LabClusterOptions
        {
            NodeCount = count,
            ExtraNodeConfig = extraNodeConfig,
            ZooKeeperFor = zookeeperFor is null ? null : name => zookeeperFor(name, chroot),
            WriteConfig = writeConfig,
        }));

    /// <summary>
    /// A cluster made to be fenced: each node's hypervisor is a libvirtd of its own (VMs outlive a hung or killed node
    /// service, and the test can see them) and each node has a BMC (ipmi_sim) whose power-off kills both.
    /// </summary>
    /// <param name="zookeeper">The ZooKeeper connection string, with a chroot.</param>
    /// <param name="count">Nodes (all coordinators).</param>
    /// <param name="fencing">The <c>fencing.intervals</c> and <c>fencing.actions</c> lines, indented under <c>fencing:</c>.</param>
    /// <param name="keepaliveSeconds">timer.keepalive_interval.</param>
    /// <param name="zookeeperFor">Per node, its ZooKeeper connection string (a proxy to cut); null for <paramref name="zookeeper"/>.</param>
    public static async Task<NodeServiceCluster> StartWithBmcsAsync(string zookeeper, int count, string fencing, int keepaliveSeconds = 1, Func<string, string>? zookeeperFor = null,
        string extraNodeConfig = "") =>
        new(await LabCluster.StartAsync(zookeeper, new LabClusterOptions
        {
            ExtraNodeConfig = extraNodeConfig,
            NodeCount = count,
            Fencing = fencing,
            KeepaliveSeconds = keepaliveSeconds,
            ZooKeeperFor = zookeeperFor,
        }));

    /// <summary>Waits until every running node is run/ready.</summary>
    public async Task WaitReadyAsync()
    {
        foreach (var node in Nodes.Where(n => n.IsRunning))
            await WaitAsync(NodeKeys.Path(node.Name, NodeKeys.DaemonState), s => s == "run", $"{node.Name} run");
        await Lab.WaitReadyAsync(Deadline);
    }

    /// <summary>Waits on watches until the znode's text satisfies the condition.</summary>
    public async Task<string> WaitAsync(string path, Func<string, bool> done, string what)
    {
        // the znode may not exist yet (a node service still starting): wait for it on an exists watch
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var created = new TaskCompletionSource();
            if (await Connection.ZooKeeper.ExistsAsync(path, _ => created.TrySetResult()) is not null)
                break;
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"waiting for {what}: {path} was never created\n{Logs()}");
            if (Nodes.Any(n => n.HasExited))
                throw new InvalidOperationException($"waiting for {what}: a node service exited\n{Logs()}");
            // also wake each second to notice a node service that died
            await created.Task.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        try
        {
            return (await ZnodeWaiter.WaitAsync(Connection, path, t => new Wrapped(t), w => done(w.Text), Deadline, null,
                () => new InvalidOperationException($"{path} does not exist"),
                last => new TimeoutException($"waiting for {what}: {path} is still '{last?.Text}'\n{Logs()}"), CancellationToken.None)).Text;
        }
        catch (InvalidOperationException) when (!path.StartsWith("/", StringComparison.Ordinal))
        {
            throw;
        }
    }

    private readonly record struct Wrapped(string Text);

    /// <summary>Waits until a VM runs on exactly the given node, as each node's keepalive reports from its libvirt.</summary>
    public async Task WaitRunningOnAsync(Guid uuid, string node)
    {
        var id = DomainKeys.Format(uuid);
        await WaitAsync(NodeKeys.Path(node, NodeKeys.RunningDomains), t => PvcList.DecodeSpace(t).Contains(id), $"{id} running on {node}");
        foreach (var other in Nodes.Where(n => n.Name != node && n.IsRunning))
            await WaitAsync(NodeKeys.Path(other.Name, NodeKeys.RunningDomains), t => !PvcList.DecodeSpace(t).Contains(id), $"{id} not running on {other.Name}");
    }

    /// <summary>Waits until a VM runs nowhere.</summary>
    public async Task WaitNotRunningAsync(Guid uuid)
    {
        var id = DomainKeys.Format(uuid);
        foreach (var node in Nodes.Where(n => n.IsRunning))
            await WaitAsync(NodeKeys.Path(node.Name, NodeKeys.RunningDomains), t => !PvcList.DecodeSpace(t).Contains(id), $"{id} not running on {node.Name}");
    }

    /// <summary>
    /// Waits until a node service's log has a line containing one of <paramref name="anyOf"/> (its logger writes on a
    /// background thread, so a line may follow the ZooKeeper write it reports). Looks at the file every 50 ms.
    /// </summary>
    public async Task WaitForLogAsync(NodeServiceProcess node, params string[] anyOf)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!(File.Exists(node.LogPath) && File.ReadAllText(node.LogPath) is var log && anyOf.Any(t => log.Contains(t, StringComparison.Ordinal))))
        {
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"{node.Name}'s log never said '{string.Join("' or '", anyOf)}'\n{Logs()}");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits on a children watch until the lock on <paramref name="path"/> has <paramref name="count"/> contenders (at
    /// least; exactly for 0 or with <paramref name="exactly"/>).
    /// </summary>
    public async Task WaitForContendersAsync(string path, int count, bool exactly = false)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var children = await Connection.ZooKeeper.GetChildrenAsync(path, _ => changed.TrySetResult(), deadline.Token);
            var contenders = children.Children.Count(n => n.Contains("__lock__", StringComparison.Ordinal));
            if (count == 0 || exactly ? contenders == count : contenders >= count)
                return;
            try
            {
                await changed.Task.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{path} has {string.Join(", ", children.Children)}, not {count} contenders\n{Logs()}");
            }
        }
    }

    public async Task<string> ReadAsync(string path) => Encoding.UTF8.GetString((await Connection.ZooKeeper.GetDataAsync(path)).Data);

    public string Logs() => Lab.Logs();

    public ValueTask DisposeAsync() => Lab.DisposeAsync();
}
