using System.Text;

namespace Pvc.Testing.ZooKeeper;

/// <summary>A three-server ZooKeeper ensemble on 127.0.0.1, for failover tests.</summary>
public sealed class ZooKeeperEnsemble : IAsyncDisposable
{
    private ZooKeeperEnsemble(IReadOnlyList<ZooKeeperServer> members) => Members = members;

    /// <summary>The members, index 0..2 (myid 1..3).</summary>
    public IReadOnlyList<ZooKeeperServer> Members { get; }

    /// <summary>Every member's endpoint, comma-separated.</summary>
    public string ConnectionString => string.Join(',', Members.Select(m => m.Endpoint));

    /// <summary>Starts three members and waits until all serve.</summary>
    public static async Task<ZooKeeperEnsemble> StartAsync(int size = 3, CancellationToken cancellationToken = default)
    {
        var clientPorts = Enumerable.Range(0, size).Select(_ => ZooKeeperServer.FreePort()).ToArray();
        var peers = new StringBuilder();
        for (var i = 0; i < size; i++)
            peers.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"server.{i + 1}=127.0.0.1:{ZooKeeperServer.FreePort()}:{ZooKeeperServer.FreePort()}\n");
        var members = new List<ZooKeeperServer>();
        for (var i = 0; i < size; i++)
        {
            var dir = Directory.CreateTempSubdirectory($"pvc-zk{i + 1}-").FullName;
            members.Add(ZooKeeperServer.ForEnsembleMember(dir, clientPorts[i], i + 1, peers.ToString()));
        }
        var ensemble = new ZooKeeperEnsemble(members);
        try
        {
            foreach (var m in members)
                m.Launch();
            await Task.WhenAll(members.Select(m => m.WaitServingAsync(TimeSpan.FromSeconds(90), cancellationToken)));
        }
        catch
        {
            await ensemble.DisposeAsync();
            throw;
        }
        return ensemble;
    }

    /// <summary>The member that reports itself leader, if any answers so.</summary>
    public async Task<int?> LeaderIndexAsync(CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < Members.Count; i++)
            if (await Members[i].ModeAsync(cancellationToken) == "leader")
                return i;
        return null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var m in Members)
            await m.DisposeAsync();
    }
}
