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

    private LabCluster? _lab;

    private LabCluster Lab => _lab ?? throw new InvalidOperationException("The live cluster has not started.");

    /// <summary>The session, with the module imported and connected to the cluster.</summary>
    public PowerShellSession Ps { get; private set; } = null!;

    /// <summary>The cluster's ZooKeeper connection string (its chroot), for Connect-PvcCluster in another process.</summary>
    public string Chroot { get; private set; } = "";

    /// <summary>A connection of the test's own, to check what the cmdlets did.</summary>
    public ClusterConnection Connection => Lab.Connection;

    /// <summary>The node services' logs, for failure messages.</summary>
    public string Logs() => Lab.Logs();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var chroot = await zk.NewChrootAsync("live");
        Chroot = chroot;
        _lab = await LabCluster.StartAsync(chroot, new LabClusterOptions { Name = "live", NodeCount = Names.Length });
        await _lab.WaitReadyAsync();
        Ps = PowerShellSession.Open();
        Ps.Run("Connect-PvcCluster $args[0] | Out-Null", chroot).ThrowIfErrors();
    }

    /// <summary>Writes a new VM's XML (PVC-shaped, a new UUID) to a file for New-PvcVm -Path; <paramref name="edit"/> may change it.</summary>
    public string XmlFile(string name, Func<string, string>? edit = null)
    {
        var path = Path.Combine(Lab.Directory, $"{name}.xml");
        var xml = PvcSeed.Xml(Guid.NewGuid(), name);
        File.WriteAllText(path, edit is null ? xml : edit(xml));
        return path;
    }

    /// <summary>Defines a VM (stopped) on a node with New-PvcVm; <paramref name="edit"/> may change its XML.</summary>
    public Vm NewVm(string name, string node, Func<string, string>? edit = null) =>
        Ps.Run("New-PvcVm -Path $args[0] -Node $args[1]", XmlFile(name, edit), node).ThrowIfErrors().OutputOf<Vm>().Single();

    /// <summary>The VM as ZooKeeper has it now.</summary>
    public Task<Vm> VmAsync(string name) => Connection.Vms.GetAsync(Ps.Run("(Get-PvcVm -Name $args[0]).Uuid", name).OutputOf<Guid>().Single());

    /// <summary>The node as ZooKeeper has it now.</summary>
    public Task<Node> NodeAsync(string name) => new NodeOperations(Connection).GetAsync(name);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        Ps?.Run("Disconnect-PvcCluster");
        Ps?.Dispose();
        if (_lab is not null)
            await _lab.DisposeAsync();
    }
}
