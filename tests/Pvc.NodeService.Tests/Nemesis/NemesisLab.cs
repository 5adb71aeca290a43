using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Security;
using Pvc.Core.Vms;
using Pvc.Testing.Lab;
using Pvc.Testing.Network;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// The nemesis's cluster: a three-server ZooKeeper ensemble and a <see cref="LabCluster"/> of three fenced nodes on it
/// (<see cref="NemesisNode"/>: a libvirtd test-driver hypervisor, an ipmi_sim BMC and a node service each, every node
/// reaching ZooKeeper through proxies of its own), two VMs started on each node, and the <see cref="LifecycleChecker"/> following every hypervisor from
/// before the first VM starts.
/// </summary>
internal sealed class NemesisLab : IAsyncDisposable
{
    /// <summary>The nodes' names.</summary>
    public static readonly IReadOnlyList<string> NodeNames = ["hv1", "hv2", "hv3"];

    /// <summary>VMs started on each node at first.</summary>
    public const int VmsPerNode = 2;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private readonly LabCluster _lab;

    private NemesisLab(ZooKeeperEnsemble ensemble, LabCluster lab, LifecycleChecker checker, IReadOnlyDictionary<string, VmRef> vms)
    {
        Ensemble = ensemble;
        _lab = lab;
        Checker = checker;
        Vms = vms;
    }

    /// <summary>The VMs' names, in the order the schedule draws from.</summary>
    public static IReadOnlyList<string> VmNames => [.. NodeNames.SelectMany((_, n) => Enumerable.Range(1, VmsPerNode).Select(k => $"vm{n * VmsPerNode + k}"))];

    /// <summary>The ensemble.</summary>
    public ZooKeeperEnsemble Ensemble { get; }

    /// <summary>The clients' (and the checks') own connection, straight to the ensemble, never cut.</summary>
    public ClusterConnection Connection => _lab.Connection;

    /// <summary>The nodes.</summary>
    public IReadOnlyList<NemesisNode> Nodes { get; private init; } = [];

    /// <summary>The checker.</summary>
    public LifecycleChecker Checker { get; }

    /// <summary>The VMs by name.</summary>
    public IReadOnlyDictionary<string, VmRef> Vms { get; }

    /// <summary>The node called <paramref name="name"/>.</summary>
    public NemesisNode Node(string name) => Nodes.Single(n => n.Name == name);

    /// <summary>Starts the lab in <paramref name="directory"/> with the given fencing lines and waits until every VM runs where it was started.</summary>
    public static async Task<NemesisLab> StartAsync(string directory, string fencing, NemesisLog log)
    {
        var ensemble = await ZooKeeperEnsemble.StartAsync(3);
        // every node reaches each ZooKeeper member through a proxy of its own (to cut it)
        var proxies = NodeNames.ToDictionary(n => n, _ => (IReadOnlyList<TcpProxy>)[.. ensemble.Members.Select(m => new TcpProxy(m.ClientPort))]);
        LifecycleChecker? checker = null;
        LabCluster? cluster = null;
        NemesisLab? lab = null;
        try
        {
            var chroot = await ZooKeeperChroot.CreatePathAsync(ensemble.ConnectionString, "nemesis");
            // the VMs' UUIDs are known before any node starts, so that the checker follows them from the first event
            var names = VmNames;
            var uuids = names.ToDictionary(n => n, _ => Guid.NewGuid());
            checker = new LifecycleChecker(NodeNames.Select(n => (n, PowerCutsOf(directory, n))), uuids.ToDictionary(u => u.Value, u => u.Key), log);
            var follow = checker;
            cluster = await LabCluster.StartAsync(ensemble.ConnectionString + chroot, new LabClusterOptions
            {
                Name = "nemesis",
                NodeCount = NodeNames.Count,
                SessionTimeout = TimeSpan.FromSeconds(30),
                Fencing = fencing,
                Directory = directory,
                ZooKeeperFor = name => string.Join(',', proxies[name].Select(p => p.Endpoint)) + chroot,
                BeforeService = (name, host) => Task.Run(() => follow.Attach(name, host.Uri)),
            });
            lab = new NemesisLab(ensemble, cluster, checker, uuids.ToDictionary(u => u.Key, u => new VmRef(u.Value, u.Key)))
            {
                Nodes = [.. NodeNames.Select((name, i) => new NemesisNode(name, directory, cluster.Hosts[i], cluster.Bmcs[i], cluster.Nodes[i], proxies[name], follow, log))],
            };
            await cluster.WaitReadyAsync(Deadline);
            await cluster.StartVmsAsync(names.Select((name, i) => new LabVm(name, NodeNames[i / VmsPerNode]) { Uuid = uuids[name] }), Deadline);
            return lab;
        }
        catch
        {
            if (lab is not null)
                await lab.DisposeAsync();
            else
            {
                if (cluster is not null)
                    await cluster.DisposeAsync();
                checker?.Dispose();
                foreach (var proxy in proxies.Values.SelectMany(p => p))
                    await proxy.DisposeAsync();
                await ensemble.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>
    /// The BMC's power cuts read from its call log, which exists only once the BMC runs: the checker is made before
    /// the nodes (it must see their first events), and a BMC not yet started has cut nothing.
    /// </summary>
    private static Func<int> PowerCutsOf(string directory, string node)
    {
        var calls = Path.Combine(directory, $"{node}-bmc", "calls.log");
        return () => File.Exists(calls)
            ? File.ReadLines(calls).Count(c => c.StartsWith("set power 0", StringComparison.Ordinal) || c.StartsWith("set reset", StringComparison.Ordinal))
            : 0;
    }

    /// <summary>Set to see teardown errors (they are no violation: the run's checks are over by then).</summary>
    public Action<string>? TeardownError { get; set; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // the nodes first (each its current hypervisor, its service and its proxies), then what the lab started
        foreach (var node in Nodes)
            await node.DisposeAsync();
        Checker.Dispose();
        try
        {
            await _lab.DisposeAsync();
        }
        catch (ObjectDisposedException e)
        {
            // Pvc.ZooKeeper's close can trip over a connection that already ended (reported); the ensemble goes next anyway
            TeardownError?.Invoke($"closing the clients' ZooKeeper connection: {e.Message}\n{e.StackTrace}");
        }
        await Ensemble.DisposeAsync();
    }
}
