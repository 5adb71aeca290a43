using System.Text;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Tests.Cluster;
using Pvc.Testing.Pvc;

namespace Pvc.NodeService.Tests.Fencing;

/// <summary>
/// A fencing lab: three nodes with hypervisors and BMCs of their own (<see cref="NodeServiceCluster.StartWithBmcsAsync"/>),
/// two running VMs defined on each, and the <see cref="SingleRunInvariant"/> watching them from the first moment.
/// </summary>
internal sealed class HaLab : IAsyncDisposable
{
    /// <summary>The tight setting: keepalive 1 s (the lab's), dead after 3 silent intervals, 2 saving throws.</summary>
    public const string Tight = """
          intervals:
            fence_intervals: 3
            saving_throws: 2
        """;

    private HaLab(NodeServiceCluster cluster, SingleRunInvariant invariant, IReadOnlyDictionary<string, IReadOnlyList<VmRef>> vms)
    {
        Cluster = cluster;
        Invariant = invariant;
        VmsOf = vms;
    }

    public NodeServiceCluster Cluster { get; }

    public SingleRunInvariant Invariant { get; }

    /// <summary>The VMs each node started with.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<VmRef>> VmsOf { get; }

    public IEnumerable<VmRef> AllVms => VmsOf.Values.SelectMany(v => v);

    /// <param name="zookeeper">The ZooKeeper connection string (with chroot).</param>
    /// <param name="fencing">The fencing section's intervals and actions.</param>
    /// <param name="vmsPerNode">VMs defined and started on each node.</param>
    /// <param name="zookeeperFor">Each node's own connection string, by name.</param>
    /// <param name="extraNodeConfig">More top-level YAML for every node's pvc.conf (a <c>ceph</c> section).</param>
    /// <param name="rbdFor">Each VM's RBD disk (<c>pool/volume</c>) by VM name; PVC's <c>vms/&lt;name&gt;_sda</c> by default.</param>
    public static async Task<HaLab> StartAsync(string zookeeper, string fencing = Tight, int vmsPerNode = 2, Func<string, string>? zookeeperFor = null,
        string extraNodeConfig = "", Func<string, string>? rbdFor = null)
    {
        var c = await NodeServiceCluster.StartWithBmcsAsync(zookeeper, 3, fencing, zookeeperFor: zookeeperFor, extraNodeConfig: extraNodeConfig);
        SingleRunInvariant? invariant = null;
        try
        {
            await c.WaitReadyAsync();
            invariant = new SingleRunInvariant(c.Hosts, [.. c.Nodes.Select(n => n.Name)]);
            var vms = new Dictionary<string, IReadOnlyList<VmRef>>();
            foreach (var node in c.Nodes.Select(n => n.Name))
            {
                var list = new List<VmRef>();
                for (var k = 1; k <= vmsPerNode; k++)
                {
                    var vm = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), $"{node}-vm{k}", memoryMiB: 256, vcpus: 1, rbd: rbdFor?.Invoke($"{node}-vm{k}")), TargetNode = node });
                    await c.Vms.StartAsync(vm);
                    list.Add(vm);
                }
                vms[node] = list;
            }
            var lab = new HaLab(c, invariant, vms);
            await lab.WaitAllRunningAsync("every VM running where it was defined");
            return lab;
        }
        catch
        {
            invariant?.Dispose();
            await c.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits until every VM is "start" in ZooKeeper and runs on exactly one host, the node ZooKeeper names for it
    /// (which <paramref name="allowed"/> must accept when given).
    /// </summary>
    public Task WaitAllRunningAsync(string what, Func<string, bool>? allowed = null, TimeSpan? timeout = null) =>
        Invariant.WaitUntilAsync(async running =>
        {
            var vms = await Cluster.Connection.Vms.ListAsync();
            return AllVms.All(v => vms.FirstOrDefault(z => z.Uuid == v.Uuid) is { State: VmState.Start, Node: { } node }
                && (allowed?.Invoke(node) ?? true)
                && running.TryGetValue(v.Uuid, out var hosts) && hosts.Count == 1 && hosts[0] == node);
        }, what, Cluster.Logs, timeout);

    /// <summary>The node service and the hypervisor of a node die at once (SIGKILL), as when its host loses power.</summary>
    public void Crash(string node)
    {
        var i = Index(node);
        Cluster.Nodes[i].Kill();
        Cluster.Hosts[i].Kill();
    }

    public int Index(string node) => Cluster.Nodes.Select(n => n.Name).ToList().IndexOf(node);

    /// <summary>The chassis power changes a node's BMC was asked for ("set power 0", ...).</summary>
    public IReadOnlyList<string> PowerRequests(string node) => [.. Cluster.Bmcs[Index(node)].Calls.Where(c => c.StartsWith("set power", StringComparison.Ordinal) || c.StartsWith("set reset", StringComparison.Ordinal))];

    /// <summary>Waits until each running node has written <paramref name="count"/> more keepalives (on watches).</summary>
    public Task WaitKeepalivesAsync(int count) =>
        Task.WhenAll(Cluster.Nodes.Where(n => n.IsRunning).Select(n => WaitKeepalivesAsync(n.Name, count)));

    private async Task WaitKeepalivesAsync(string node, int count)
    {
        var zk = Cluster.Connection.ZooKeeper;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(count * 3 + 30));
        long last = -1;
        var seen = -1;
        while (seen < count)
        {
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Pvc.ZooKeeper.DataResult data;
            try
            {
                data = await zk.GetDataAsync(NodeKeys.Path(node, NodeKeys.Keepalive), _ => changed.TrySetResult(), deadline.Token);
            }
            catch (Pvc.ZooKeeper.ConnectionLossException)
            {
                // the test's own session was on the ZooKeeper member a fault took down: it moves to another
                await zk.WaitConnectedAsync(TimeSpan.FromSeconds(30), deadline.Token);
                continue;
            }
            if (data.Stat.ModifiedZxid != last)
            {
                last = data.Stat.ModifiedZxid;
                seen++;
            }
            if (seen < count)
            {
                try
                {
                    await changed.Task.WaitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"{node} wrote only {seen} of {count} keepalives\n{Cluster.Logs()}");
                }
            }
        }
    }

    public async Task<string> DaemonStateAsync(string node) =>
        Encoding.UTF8.GetString((await Cluster.Connection.ZooKeeper.GetDataAsync(NodeKeys.Path(node, NodeKeys.DaemonState))).Data);

    public async ValueTask DisposeAsync()
    {
        Invariant.Dispose();
        await Cluster.DisposeAsync();
    }
}
