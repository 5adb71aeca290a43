using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Security;
using Pvc.Core.Vms;
using Pvc.Testing.Lab;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// The nemesis's cluster: a three-server ZooKeeper ensemble, three nodes (<see cref="NemesisNode"/>: a libvirtd
/// test-driver hypervisor, an ipmi_sim BMC and a node service each, every node reaching ZooKeeper through proxies of
/// its own), two VMs started on each node, and the <see cref="LifecycleChecker"/> following every hypervisor from
/// before the first VM starts.
/// </summary>
internal sealed class NemesisLab : IAsyncDisposable
{
    /// <summary>The nodes' names.</summary>
    public static readonly IReadOnlyList<string> NodeNames = ["hv1", "hv2", "hv3"];

    /// <summary>VMs started on each node at first.</summary>
    public const int VmsPerNode = 2;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private NemesisLab(ZooKeeperEnsemble ensemble, ClusterConnection connection, LifecycleChecker checker, IReadOnlyDictionary<string, VmRef> vms)
    {
        Ensemble = ensemble;
        Connection = connection;
        Checker = checker;
        Vms = vms;
    }

    /// <summary>The VMs' names, in the order the schedule draws from.</summary>
    public static IReadOnlyList<string> VmNames => [.. NodeNames.SelectMany((_, n) => Enumerable.Range(1, VmsPerNode).Select(k => $"vm{n * VmsPerNode + k}"))];

    /// <summary>The ensemble.</summary>
    public ZooKeeperEnsemble Ensemble { get; }

    /// <summary>The clients' (and the checks') own connection, straight to the ensemble, never cut.</summary>
    public ClusterConnection Connection { get; }

    /// <summary>The nodes.</summary>
    public IReadOnlyList<NemesisNode> Nodes { get; private set; } = [];

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
        ClusterConnection? connection = null;
        LifecycleChecker? checker = null;
        NemesisLab? lab = null;
        try
        {
            var chroot = await ZooKeeperChroot.CreatePathAsync(ensemble.ConnectionString, "nemesis");
            connection = await TestCluster.InitializeAsync(ensemble.ConnectionString + chroot, "nemesis", sessionTimeout: TimeSpan.FromSeconds(30));

            // the VMs' UUIDs are known before any node starts, so that the checker follows them from the first event
            var names = VmNames;
            var uuids = names.ToDictionary(n => n, _ => Guid.NewGuid());
            checker = new LifecycleChecker(NodeNames.Select(n => (n, PowerCutsOf(directory, n))), uuids.ToDictionary(u => u.Value, u => u.Key), log);
            var vms = uuids.ToDictionary(u => u.Key, u => new VmRef(u.Value, u.Key));
            lab = new NemesisLab(ensemble, connection, checker, vms);
            var nodes = new List<NemesisNode>();
            lab.Nodes = nodes;
            var executable = Path.Combine(AppContext.BaseDirectory, "pvcnoded");
            foreach (var name in NodeNames)
                nodes.Add(await NemesisNode.StartAsync(directory, name, NodeNames, [.. ensemble.Members.Select(m => m.ClientPort)], chroot, fencing, executable, checker, log));

            var nodeOps = new NodeOperations(connection);
            foreach (var name in NodeNames)
                await nodeOps.WaitForDomainStateAsync(name, [NodeDomainState.Ready], Deadline, waitForNode: true);
            var vmOps = new VmOperations(connection);
            for (var i = 0; i < names.Count; i++)
            {
                var vm = await vmOps.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(uuids[names[i]], names[i], memoryMiB: 256, vcpus: 1), TargetNode = NodeNames[i / VmsPerNode] });
                await vmOps.StartAsync(vm);
            }
            foreach (var vm in vms.Values)
                await vmOps.WaitRunningAsync(vm, Deadline);
            return lab;
        }
        catch
        {
            if (lab is not null)
                await lab.DisposeAsync();
            else
            {
                checker?.Dispose();
                if (connection is not null)
                    await connection.DisposeAsync();
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
        foreach (var node in Nodes)
            await node.DisposeAsync();
        Checker.Dispose();
        try
        {
            await Connection.DisposeAsync();
        }
        catch (ObjectDisposedException e)
        {
            // Pvc.ZooKeeper's close can trip over a connection that already ended (reported); the ensemble goes next anyway
            TeardownError?.Invoke($"closing the clients' ZooKeeper connection: {e.Message}\n{e.StackTrace}");
        }
        await Ensemble.DisposeAsync();
    }
}
