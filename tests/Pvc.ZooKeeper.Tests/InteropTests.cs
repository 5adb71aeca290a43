using System.Text;
using Pvc.Testing.Python;
using Pvc.Testing.ZooKeeper;

namespace Pvc.ZooKeeper.Tests;

/// <summary>Cross-checks with kazoo (Debian's python3-kazoo), the client PVC's own tools use.</summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class InteropTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private const string Connect = """
        import sys
        from kazoo.client import KazooClient
        zk = KazooClient(hosts=sys.argv[1])
        zk.start(timeout=20)

        """;

    [Fact]
    public async Task The_fixture_server_is_real_and_kazoo_reads_what_we_wrote_and_the_other_way_round()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        await client.CreateAsync("/ours", Encoding.UTF8.GetBytes("written by Pvc ✓"));
        await client.MultiAsync([Op.Create("/ours/a", Encoding.UTF8.GetBytes("1")), Op.Create("/ours/b", Encoding.UTF8.GetBytes("2"))]);

        var output = await Kazoo.RunAsync(Connect + """
            data, stat = zk.get("/ours")
            print(data.decode("utf-8"))
            print(",".join(sorted(zk.get_children("/ours"))))
            zk.create("/theirs/deep", "written by kazoo".encode(), makepath=True)
            zk.stop()
            """, Deadline, chroot);

        Assert.Equal(["written by Pvc ✓", "a,b"], output.TrimEnd().Split('\n'));
        Assert.Equal("written by kazoo", Encoding.UTF8.GetString((await client.GetDataAsync("/theirs/deep")).Data));
    }

    [Fact]
    public async Task A_kazoo_watch_fires_for_our_write_and_ours_for_kazoos()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        await client.CreateAsync("/state", Encoding.UTF8.GetBytes("start"));
        await using var kazoo = Kazoo.Start(Connect + """
            import threading
            fired = threading.Event()
            zk.get("/state", watch=lambda e: fired.set())
            print("watching")
            fired.wait(20)
            print("fired" if fired.is_set() else "timeout")
            sys.stdin.readline()
            zk.set("/state", b"migrate")
            zk.stop()
            """, chroot);
        Assert.Equal("watching", await kazoo.ReadLineAsync(Deadline));
        await client.SetDataAsync("/state", Encoding.UTF8.GetBytes("stop"));
        Assert.Equal("fired", await kazoo.ReadLineAsync(Deadline));

        var ours = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.GetDataAsync("/state", e => ours.TrySetResult(e));
        await kazoo.WriteLineAsync("go");
        Assert.Equal(WatchEventType.NodeDataChanged, (await ours.Task.WaitAsync(Deadline)).Type);
        await kazoo.WaitAsync(Deadline);
        Assert.Equal("migrate", Encoding.UTF8.GetString((await client.GetDataAsync("/state")).Data));
    }
}
