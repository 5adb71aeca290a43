using System.Text;
using Pvc.Testing.ZooKeeper;

namespace Pvc.ZooKeeper.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class OperationTests(ZooKeeperFixture zk)
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string S(byte[] b) => Encoding.UTF8.GetString(b);

    [Fact]
    public async Task Create_get_set_delete_round_trip_with_versions()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(await zk.NewChrootAsync());

        Assert.Equal("/a", await client.CreateAsync("/a", B("one")));
        var read = await client.GetDataAsync("/a");
        Assert.Equal("one", S(read.Data));
        Assert.Equal(0, read.Stat.Version);
        Assert.Equal(3, read.Stat.DataLength);

        var stat = await client.SetDataAsync("/a", B("two"), version: 0);
        Assert.Equal(1, stat.Version);
        // compare-and-set with a stale version is refused and changes nothing
        var stale = await Assert.ThrowsAsync<BadVersionException>(() => client.SetDataAsync("/a", B("three"), version: 0));
        Assert.Equal("/a", stale.Path);
        Assert.Equal("two", S((await client.GetDataAsync("/a")).Data));

        await Assert.ThrowsAsync<BadVersionException>(() => client.DeleteAsync("/a", version: 0));
        await client.DeleteAsync("/a", version: 1);
        Assert.Null(await client.ExistsAsync("/a"));
    }

    [Fact]
    public async Task Errors_map_to_typed_exceptions()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(await zk.NewChrootAsync());
        await client.CreateAsync("/p", B(""));
        await client.CreateAsync("/p/c", B(""));

        var exists = await Assert.ThrowsAsync<NodeExistsException>(() => client.CreateAsync("/p", B("")));
        Assert.Equal(ZooKeeperErrorCode.NodeExists, exists.Code);
        await Assert.ThrowsAsync<NoNodeException>(() => client.GetDataAsync("/missing"));
        await Assert.ThrowsAsync<NoNodeException>(() => client.CreateAsync("/missing/child", B("")));
        await Assert.ThrowsAsync<NoNodeException>(() => client.SetDataAsync("/missing", B("x")));
        await Assert.ThrowsAsync<NoNodeException>(() => client.DeleteAsync("/missing"));
        await Assert.ThrowsAsync<NoNodeException>(() => client.GetChildrenAsync("/missing"));
        await Assert.ThrowsAsync<NotEmptyException>(() => client.DeleteAsync("/p"));
        await client.CreateAsync("/e", B(""), CreateMode.Ephemeral);
        await Assert.ThrowsAsync<NoChildrenForEphemeralsException>(() => client.CreateAsync("/e/c", B("")));
        // bad paths are refused before anything is sent
        Assert.Throws<ArgumentException>(() => { _ = client.CreateAsync("relative", B("")); });
        Assert.Throws<ArgumentException>(() => { _ = client.CreateAsync("/a//b", B("")); });
        Assert.Throws<ArgumentException>(() => { _ = client.GetDataAsync("/a/../b"); });
    }

    [Fact]
    public async Task Exists_and_children_report_stat()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(await zk.NewChrootAsync());
        Assert.Null(await client.ExistsAsync("/n"));
        await client.CreateAsync("/n", B("data"));
        foreach (var c in new[] { "x", "y", "z" })
            await client.CreateAsync($"/n/{c}", B(c));

        var stat = await client.ExistsAsync("/n");
        Assert.NotNull(stat);
        Assert.Equal(3, stat.ChildCount);
        Assert.False(stat.IsEphemeral);

        var children = await client.GetChildrenAsync("/n");
        Assert.Equal(["x", "y", "z"], children.Children.Order());
        Assert.Equal(3, children.Stat.ChildCount);
        Assert.Equal(4, children.Stat.DataLength);
    }

    [Fact]
    public async Task Sequential_and_ephemeral_modes()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        await client.CreateAsync("/q", B(""));

        var first = await client.CreateAsync("/q/item-", B("1"), CreateMode.PersistentSequential);
        var second = await client.CreateAsync("/q/item-", B("2"), CreateMode.PersistentSequential);
        Assert.Matches(@"^/q/item-\d{10}$", first);
        Assert.True(string.CompareOrdinal(first, second) < 0);

        var eseq = await client.CreateAsync("/q/e-", B(""), CreateMode.EphemeralSequential);
        Assert.Matches(@"^/q/e-\d{10}$", eseq);
        Assert.True((await client.ExistsAsync(eseq))!.IsEphemeral);
        Assert.Equal(client.SessionId, (await client.ExistsAsync(eseq))!.EphemeralOwner);

        var eph = await client.CreateAsync("/q/eph", B(""), CreateMode.Ephemeral);
        Assert.Equal("/q/eph", eph);
    }

    [Fact]
    public async Task Digest_acl_refuses_other_sessions_until_they_authenticate()
    {
        var chroot = await zk.NewChrootAsync();
        await using var owner = await ZooKeeperClient.ConnectAsync(chroot);
        await owner.AddDigestAuthAsync("pvc", "s3cret");
        await owner.CreateAsync("/secret", B("hidden"), acl: [Acl.Digest("pvc", "s3cret", Permissions.All)]);
        await owner.CreateAsync("/mine", B("x"), acl: Acl.CreatorAll);

        var (acl, _) = await owner.GetAclAsync("/secret");
        Assert.Equal("digest", Assert.Single(acl).Scheme);
        Assert.Equal("hidden", S((await owner.GetDataAsync("/secret")).Data));
        Assert.Equal("x", S((await owner.GetDataAsync("/mine")).Data));

        await using var stranger = await ZooKeeperClient.ConnectAsync(chroot);
        var refused = await Assert.ThrowsAsync<NoAuthException>(() => stranger.GetDataAsync("/secret"));
        Assert.Equal("/secret", refused.Path);
        await Assert.ThrowsAsync<NoAuthException>(() => stranger.SetDataAsync("/mine", B("y")));

        await stranger.AddDigestAuthAsync("pvc", "wrong");
        await Assert.ThrowsAsync<NoAuthException>(() => stranger.GetDataAsync("/secret"));
        await stranger.AddDigestAuthAsync("pvc", "s3cret");
        Assert.Equal("hidden", S((await stranger.GetDataAsync("/secret")).Data));
    }

    [Fact]
    public async Task Sync_and_chroot_paths()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        await client.CreateAsync("/s", B("v"));
        await client.SyncAsync("/s");

        // the same znode seen from the root, outside the chroot
        await using var root = await ZooKeeperClient.ConnectAsync(zk.Server.Endpoint);
        var prefix = chroot[chroot.IndexOf('/', StringComparison.Ordinal)..];
        Assert.Equal("v", S((await root.GetDataAsync(prefix + "/s")).Data));
        Assert.Contains("s", (await client.GetChildrenAsync("/")).Children);
    }

    [Fact]
    public async Task Large_data_and_many_children_cross_frames()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(await zk.NewChrootAsync());
        var big = new byte[900 * 1024];
        Random.Shared.NextBytes(big);
        await client.CreateAsync("/big", big);
        Assert.Equal(big, (await client.GetDataAsync("/big")).Data);

        await client.CreateAsync("/many", B(""));
        await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => client.CreateAsync($"/many/child-with-a-long-name-{i:D5}", B(""))));
        Assert.Equal(2000, (await client.GetChildrenAsync("/many")).Children.Count);
    }

    [Fact]
    public async Task Cancelled_request_completes_as_cancelled()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(await zk.NewChrootAsync());
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetDataAsync("/", cancellationToken: cts.Token));
        // the client is still usable afterwards
        Assert.NotNull(await client.ExistsAsync("/"));
    }
}
