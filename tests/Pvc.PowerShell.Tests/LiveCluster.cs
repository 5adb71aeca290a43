using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Security;
using Pvc.Core.Vms;
using Pvc.Testing.Lab;
using Pvc.Testing.PowerShell;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>
/// A live cluster shared by the tests of one class (starting one costs seconds): the collection's ZooKeeper, three
/// real node services on libvirt test-driver hosts, and a hosted PowerShell session connected to it. Each test
/// makes its own VMs and leaves the nodes ready, so the tests do not depend on their order.
/// </summary>
public sealed class LiveCluster(ZooKeeperFixture zk) : IAsyncLifetime
{
    /// <summary>The nodes, all coordinators.</summary>
    public static readonly string[] Names = ["hv1", "hv2", "hv3"];

    private readonly List<NodeServiceProcess> _nodes = [];
    private string _dir = "";

    /// <summary>The session, with the module imported and connected to the cluster.</summary>
    public PowerShellSession Ps { get; private set; } = null!;

    /// <summary>A connection of the test's own, to check what the cmdlets did.</summary>
    public ClusterConnection Connection { get; private set; } = null!;

    /// <summary>The node services' logs, for failure messages.</summary>
    public string Logs() => string.Join("\n", _nodes.Select(n => $"--- {n.Name}\n{n.Log()}"));

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var chroot = await zk.NewChrootAsync("live");
        Connection = await ClusterConnection.ConnectAsync(new() { Servers = [chroot] });
        await ClusterInitializer.InitializeAsync(Connection, new ClusterInitOptions { Name = "live", Access = ClusterAccessMode.Open });
        _dir = Directory.CreateTempSubdirectory("pvc-live-").FullName;
        foreach (var name in Names)
            _nodes.Add(new NodeServiceProcess(Path.Combine(AppContext.BaseDirectory, "pvcnoded"), name,
                LabNode.Write(_dir, name, Names, chroot), Path.Combine(_dir, $"{name}.log")));
        foreach (var node in _nodes)
            node.Start();
        var nodes = new NodeOperations(Connection);
        foreach (var name in Names)
            await nodes.WaitForDomainStateAsync(name, [NodeDomainState.Ready], TimeSpan.FromSeconds(60), waitForNode: true);
        Ps = PowerShellSession.Open();
        Ps.Run("Connect-PvcCluster $args[0] | Out-Null", chroot).ThrowIfErrors();
    }

    /// <summary>Defines a VM (stopped) on a node with New-PvcVm; <paramref name="edit"/> may change its XML.</summary>
    public Vm NewVm(string name, string node, Func<string, string>? edit = null)
    {
        var path = Path.Combine(_dir, $"{name}.xml");
        var xml = PvcSeed.Xml(Guid.NewGuid(), name);
        File.WriteAllText(path, edit is null ? xml : edit(xml));
        return Ps.Run("New-PvcVm -Path $args[0] -Node $args[1]", path, node).ThrowIfErrors().OutputOf<Vm>().Single();
    }

    /// <summary>The VM as ZooKeeper has it now.</summary>
    public Task<Vm> VmAsync(string name) => Connection.Vms.GetAsync(Ps.Run("(Get-PvcVm -Name $args[0]).Uuid", name).OutputOf<Guid>().Single());

    /// <summary>The node as ZooKeeper has it now.</summary>
    public Task<Node> NodeAsync(string name) => new NodeOperations(Connection).GetAsync(name);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        Ps?.Run("Disconnect-PvcCluster");
        Ps?.Dispose();
        foreach (var node in _nodes)
            node.Dispose();
        if (Connection is not null)
            await Connection.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
