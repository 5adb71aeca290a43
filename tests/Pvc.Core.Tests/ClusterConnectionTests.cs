using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class ClusterConnectionTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task Reads_the_cluster_name_and_schema_version()
    {
        var chroot = await zk.NewChrootAsync();
        await using (var seed = await ZooKeeperClient.ConnectAsync(chroot))
        {
            await seed.CreateAsync("/config", "pvc-lab"u8.ToArray());
            await seed.CreateAsync("/schema", ReadOnlyMemory<byte>.Empty);
            await seed.CreateAsync("/schema/version", "15"u8.ToArray());
        }
        await using var connection = await ClusterConnection.ConnectAsync(new() { Servers = [chroot] });
        Assert.Equal("pvc-lab", connection.Name);
        Assert.Equal(15, connection.SchemaVersion);
        Assert.Equal(ClusterConnectionState.Connected, connection.State);
        Assert.Equal(zk.Server.Endpoint, connection.ConnectedServer);
    }

    [Fact]
    public async Task An_empty_ZooKeeper_has_no_name_nor_schema()
    {
        await using var connection = await ClusterConnection.ConnectAsync(new() { Servers = [await zk.NewChrootAsync()] });
        Assert.Null(connection.Name);
        Assert.Null(connection.SchemaVersion);
    }

    [Fact]
    public async Task Digest_credentials_reach_protected_znodes()
    {
        var chroot = await zk.NewChrootAsync();
        await using (var seed = await ZooKeeperClient.ConnectAsync(chroot))
            await seed.CreateAsync("/config", "secured"u8.ToArray(), acl: [Acl.Digest("admin", "pw", Permissions.All)]);

        await using var withCredentials = await ClusterConnection.ConnectAsync(new() { Servers = [chroot], User = "admin", Password = "pw" });
        Assert.Equal("secured", withCredentials.Name);
        await Assert.ThrowsAsync<NoAuthException>(() => ClusterConnection.ConnectAsync(new() { Servers = [chroot] }));
    }

    [Fact]
    public void The_password_never_shows_in_the_options_text()
    {
        var options = new ClusterConnectionOptions { Servers = ["hv1"], User = "admin", Password = "pw-s3cret" };
        Assert.DoesNotContain("pw-s3cret", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("admin", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_servers_are_an_argument_error()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => ClusterConnection.ConnectAsync(new() { Servers = ["hv1:99999"] }));
        Assert.Contains("99999", e.Message, StringComparison.Ordinal);
    }
}
