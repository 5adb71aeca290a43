using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>A fresh cluster in its own chroot: three run/ready nodes written the way PVC writes them.</summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(ZooKeeperClient raw, ClusterConnection connection)
    {
        Raw = raw;
        Connection = connection;
    }

    /// <summary>A plain client for seeding and checking.</summary>
    public ZooKeeperClient Raw { get; }

    /// <summary>Core's connection.</summary>
    public ClusterConnection Connection { get; }

    public static async Task<TestCluster> StartAsync(ZooKeeperFixture zk, int nodes = 3)
    {
        var chroot = await zk.NewChrootAsync();
        var raw = await ZooKeeperClient.ConnectAsync(chroot);
        await PvcSeed.InitAsync(raw);
        for (var i = 1; i <= nodes; i++)
            await PvcSeed.AddNodeAsync(raw, $"hv{i}", memFree: 20000 + (i * 1000));
        return new TestCluster(raw, await ClusterConnection.ConnectAsync(new() { Servers = [chroot] }));
    }

    public async Task<string> ReadAsync(string path) => System.Text.Encoding.UTF8.GetString((await Raw.GetDataAsync(path)).Data);

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Raw.DisposeAsync();
    }
}
