using System.Text.Json;
using System.Xml.Linq;
using Pvc.Core.Connection;
using Pvc.Core.Storage;
using Pvc.Testing.Ceph;
using Pvc.Testing.Lab;
using Pvc.Testing.PowerShell;
using Pvc.Testing.Pvc;

namespace Pvc.PowerShell.Tests.Storage;

/// <summary>
/// A cluster with real Ceph, shared by the storage cmdlet tests: the one-host Ceph lab, a ZooKeeper, one pvcnoded whose
/// pvc.conf names the lab (so it is the primary, writes Ceph's stats and runs the storage tasks), and a hosted
/// PowerShell session connected to it. Each test makes its own pools and volumes with unique names.
/// </summary>
public sealed class StorageCluster : IAsyncLifetime
{
    private CephLab? _ceph;
    private LabCluster? _lab;

    /// <summary>The Ceph lab.</summary>
    public CephLab Ceph => _ceph ?? throw new InvalidOperationException("The Ceph lab has not started.");

    /// <summary>The session, with the module imported and connected.</summary>
    public PowerShellSession Ps { get; private set; } = null!;

    /// <summary>A connection of the test's own.</summary>
    public ClusterConnection Connection => _lab!.Connection;

    /// <summary>The lab: its one node service, which a test may kill and start again.</summary>
    public LabCluster Lab => _lab ?? throw new InvalidOperationException("The lab has not started.");

    /// <summary>The node service's log, for failure messages.</summary>
    public string Logs() => _lab?.Logs() ?? "";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _ceph = await CephLab.StartAsync();
        _lab = await LabCluster.StartAsync(new LabClusterOptions
        {
            Name = "storage",
            NodeCount = 1,
            ExtraNodeConfig = $"""
                path:
                  ceph_directory: "{_ceph.Directory}"
                ceph:
                  ceph_config_file: ceph.conf
                  ceph_keyring_file: {Path.GetFileName(_ceph.AdminKeyringPath)}
                """,
        });
        await _lab.WaitReadyAsync();
        // the storage tasks run on the primary: wait for the election
        await CephLab.WaitUntilAsync(async ct => (await Pvc.Core.Cluster.ClusterStatusReader.ReadAsync(_lab.Connection, ct)).PrimaryNode is not null,
            TimeSpan.FromSeconds(120), "a primary coordinator elected");
        Ps = PowerShellSession.Open();
        Ps.Run("Connect-PvcCluster $args[0] | Out-Null", _lab.Servers).ThrowIfErrors();
    }

    /// <summary>A new pool of one copy made with New-PvcPool, once the primary has reported its usage.</summary>
    public async Task<string> NewPoolAsync(string prefix = "pool")
    {
        var pool = CephLabFixture.UniqueName(prefix);
        Ps.Run("New-PvcPool $args[0] 8 -Replication copies=1,mincopies=1 -Timeout 120", pool).ThrowIfErrors();
        await CephLab.WaitUntilAsync(async ct => (await Connection.Pools.GetAsync(pool, ct)).Stats?.FreeBytes is > 0, TimeSpan.FromSeconds(60),
            $"pool {pool}'s usage reported ({Logs()})");
        return pool;
    }

    /// <summary>
    /// A stopped VM on hv1 (PvcSeed's, whose own RBD disk vms/&lt;name&gt;_sda is not in Ceph) with an RBD disk for each of
    /// <paramref name="volumes"/> in <paramref name="pool"/>.
    /// </summary>
    public async Task<Guid> VmWithDisksAsync(string pool, string name, params string[] volumes)
    {
        var id = Guid.NewGuid();
        var xml = XDocument.Parse(PvcSeed.Xml(id, name));
        var dev = 'b';
        foreach (var v in volumes)
            xml.Root!.Element("devices")!.Add(new XElement("disk", new XAttribute("type", "network"), new XAttribute("device", "disk"),
                new XElement("source", new XAttribute("protocol", "rbd"), new XAttribute("name", $"{pool}/{v}")),
                new XElement("target", new XAttribute("dev", $"sd{dev++}"))));
        await PvcSeed.AddVmAsync(Connection.ZooKeeper, name, "hv1", state: "stop", uuid: id, xml: xml.ToString());
        return id;
    }

    /// <summary>The images of <paramref name="pool"/> in Ceph (rbd ls), in order.</summary>
    public async Task<string[]> ImagesAsync(string pool) =>
        [.. JsonSerializer.Deserialize<string[]>(await Ceph.RbdAsync(["ls", "--format", "json", pool]))!.Order(StringComparer.Ordinal)];

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        Ps?.Run("Disconnect-PvcCluster");
        Ps?.Dispose();
        if (_lab is not null)
            await _lab.DisposeAsync();
        if (_ceph is not null)
            await _ceph.DisposeAsync();
    }
}

/// <summary>The tests that share one <see cref="StorageCluster"/>.</summary>
[CollectionDefinition(Name)]
public sealed class StorageCollection : ICollectionFixture<StorageCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "storage-cluster";
}
