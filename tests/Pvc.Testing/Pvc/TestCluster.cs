using System.Text;
using Pvc.Core.Connection;
using Pvc.Core.Cluster;
using Pvc.Core.Security;
using Pvc.Core.Vms;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Testing.Pvc;

/// <summary>
/// The one seeded test cluster: a fresh chroot written the way PVC writes a cluster (<see cref="PvcSeed.ClusterAsync"/>:
/// run/ready coordinator nodes hv1, hv2, ...), a plain client to seed and check with, and Core's connection. <see cref="InitializeAsync"/> instead makes a cluster
/// the way Core's initializer does.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(string chroot, ZooKeeperClient raw, ClusterConnection connection)
    {
        Chroot = chroot;
        Raw = raw;
        Connection = connection;
    }

    /// <summary>The connection string, with the chroot.</summary>
    public string Chroot { get; }

    /// <summary>A plain client for seeding and checking.</summary>
    public ZooKeeperClient Raw { get; }

    /// <summary>Core's connection.</summary>
    public ClusterConnection Connection { get; }

    /// <summary>Seeds a cluster called <paramref name="name"/> with <paramref name="nodes"/> nodes in a fresh chroot of <paramref name="zk"/>.</summary>
    public static async Task<TestCluster> StartAsync(ZooKeeperFixture zk, int nodes = 3, string name = "pvc-test")
    {
        var chroot = await zk.NewChrootAsync();
        var raw = await ZooKeeperClient.ConnectAsync(chroot);
        try
        {
            await PvcSeed.ClusterAsync(raw, name, nodes);
            return new TestCluster(chroot, raw, await ClusterConnection.ConnectAsync(new() { Servers = [chroot] }));
        }
        catch
        {
            await raw.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Connects to <paramref name="servers"/> (a connection string, with a chroot or not) and initialises an open
    /// (PVC-compatible) cluster there with Core's initializer, as <c>Initialize-PvcCluster</c> does; returns the connection.
    /// </summary>
    public static async Task<ClusterConnection> InitializeAsync(string servers, string name = "lab", TimeSpan? sessionTimeout = null,
        CancellationToken cancellationToken = default)
    {
        var options = new ClusterConnectionOptions { Servers = [servers] };
        if (sessionTimeout is { } timeout)
            options = options with { SessionTimeout = timeout };
        var connection = await ClusterConnection.ConnectAsync(options, cancellationToken);
        try
        {
            await ClusterInitializer.InitializeAsync(connection, new ClusterInitOptions { Name = name, Access = ClusterAccessMode.Open }, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A fresh chroot of <paramref name="zk"/> initialised by Core as cluster <paramref name="name"/> (<see cref="InitializeAsync"/>).</summary>
    public static async Task<ClusterConnection> InitializedAsync(ZooKeeperFixture zk, string name = "lab") =>
        await InitializeAsync(await zk.NewChrootAsync(), name);

    /// <summary>Seeds a VM as PVC writes one (<see cref="PvcSeed.AddVmAsync"/>) and returns it as Core names it.</summary>
    public async Task<VmRef> AddVmAsync(string name, string node, string state = "start") =>
        new(await PvcSeed.AddVmAsync(Raw, name, node, state), name);

    /// <summary>A znode's data as text.</summary>
    public async Task<string> ReadAsync(string path) => Encoding.UTF8.GetString((await Raw.GetDataAsync(path)).Data);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Raw.DisposeAsync();
    }
}
