using Pvc.Testing.PowerShell;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>
/// The seeded test cluster (<see cref="TestCluster"/>: three nodes written the way PVC writes them) with some VMs, and a
/// hosted PowerShell session connected to it.
/// </summary>
internal sealed class SeededCluster : IAsyncDisposable
{
    private readonly TestCluster _cluster;

    private SeededCluster(TestCluster cluster, PowerShellSession ps)
    {
        _cluster = cluster;
        Ps = ps;
    }

    public string Chroot => _cluster.Chroot;

    public ZooKeeperClient Raw => _cluster.Raw;

    public PowerShellSession Ps { get; }

    public Dictionary<string, Guid> Vms { get; } = [];

    public static async Task<SeededCluster> StartAsync(ZooKeeperFixture zk)
    {
        var cluster = new SeededCluster(await TestCluster.StartAsync(zk, name: "lab"), PowerShellSession.Open());
        var raw = cluster.Raw;
        cluster.Vms["web1"] = await PvcSeed.AddVmAsync(raw, "web1", "hv1", tags: [("prod", false)]);
        cluster.Vms["web2"] = await PvcSeed.AddVmAsync(raw, "web2", "hv1");
        cluster.Vms["db1"] = await PvcSeed.AddVmAsync(raw, "db1", "hv2", state: "stop");
        cluster.Vms["broken"] = await PvcSeed.AddVmAsync(raw, "broken", "hv3", state: "fail");
        cluster.Ps.Run("Connect-PvcCluster $args[0] | Out-Null", cluster.Chroot).ThrowIfErrors();
        return cluster;
    }

    public Task<string> ReadAsync(string path) => _cluster.ReadAsync(path);

    public Task<string> StateAsync(string vm) => ReadAsync($"/domains/{Vms[vm]}/state");

    public Task<string> NodeOfAsync(string vm) => ReadAsync($"/domains/{Vms[vm]}/node");

    /// <summary>Plays a node service for one transition: when the VM's state becomes <paramref name="from"/>, writes <paramref name="to"/>.</summary>
    public async Task AnswerAsync(string vm, string from, string to)
    {
        var path = $"/domains/{Vms[vm]}/state";
        while (true)
        {
            var changed = new TaskCompletionSource();
            var now = System.Text.Encoding.UTF8.GetString((await Raw.GetDataAsync(path, _ => changed.TrySetResult())).Data);
            if (now == from)
            {
                await Raw.SetDataAsync(path, System.Text.Encoding.UTF8.GetBytes(to));
                return;
            }
            await changed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Ps.Run("Disconnect-PvcCluster");
        Ps.Dispose();
        await _cluster.DisposeAsync();
    }
}
