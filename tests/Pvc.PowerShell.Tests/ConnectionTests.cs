using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Security;
using Pvc.Testing.Network;
using Pvc.Testing.PowerShell;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.PowerShell.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class ConnectionTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task Connect_returns_a_connection_sets_the_default_and_disconnect_closes_it()
    {
        var chroot = await zk.NewChrootAsync();
        await using (var seed = await ZooKeeperClient.ConnectAsync(chroot))
        {
            await seed.CreateAsync("/config", "lab"u8.ToArray());
            await seed.CreateAsync("/schema", ReadOnlyMemory<byte>.Empty);
            await seed.CreateAsync("/schema/version", "15"u8.ToArray());
        }
        using var ps = PowerShellSession.Open();

        var result = ps.Run("$c = Connect-PvcCluster -Server $args[0] -Timeout 10; $c", chroot).ThrowIfErrors();
        var connection = result.OutputOf<ClusterConnection>().Single();
        Assert.Equal("lab", connection.Name);
        Assert.Equal(15, connection.SchemaVersion);
        Assert.Equal(ClusterConnectionState.Connected, connection.State);

        // the table view renders the connection
        var rendered = ps.Render("$c").ThrowIfErrors().HostText;
        Assert.Contains("Name", rendered, StringComparison.Ordinal);
        Assert.Contains("lab", rendered, StringComparison.Ordinal);
        Assert.Contains("Connected", rendered, StringComparison.Ordinal);

        ps.Run("Disconnect-PvcCluster").ThrowIfErrors();
        Assert.Equal(ClusterConnectionState.Closed, connection.State);
        var again = ps.Run("Disconnect-PvcCluster");
        Assert.Equal("NotConnected,Pvc.PowerShell.Cmdlets.DisconnectPvcClusterCommand", Assert.Single(again.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public async Task After_the_session_expired_the_next_cmdlet_opens_a_new_session_and_says_so()
    {
        var chroot = await zk.NewChrootAsync();
        await using (var seed = await ClusterConnection.ConnectAsync(new ClusterConnectionOptions { Servers = [chroot] }))
            await ClusterInitializer.InitializeAsync(seed, new ClusterInitOptions { Name = "lab", Access = ClusterAccessMode.Open });
        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        using var ps = PowerShellSession.Open();
        // 3 s, not the server's 1 s minimum: with 1 s the client counts a connection silent for 2/3 s as lost, which a
        // loaded machine's pauses reach (a fresh-clone run lost Connect-PvcCluster's and the renewed session's first reads)
        var connection = ps.Run("Connect-PvcCluster -Server $args[0] -SessionTimeout 3", proxy.Endpoint + chroot[chroot.IndexOf('/', StringComparison.Ordinal)..])
            .ThrowIfErrors().OutputOf<ClusterConnection>().Single();
        var firstSession = connection.ZooKeeper.SessionId;
        // a marker that goes when the server expires the session (the module itself creates no ephemeral znode)
        await connection.ZooKeeper.CreateAsync("/marker", ReadOnlyMemory<byte>.Empty, CreateMode.Ephemeral);

        proxy.Cut();
        await using (var observer = await ZooKeeperClient.ConnectAsync(chroot))
        {
            var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (await observer.ExistsAsync("/marker", _ => gone.TrySetResult()) is not null)
                await gone.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        proxy.Restore();
        var until = DateTime.UtcNow.AddSeconds(30);
        while (connection.State != ClusterConnectionState.Expired)
        {
            Assert.True(DateTime.UtcNow < until, $"the connection is {connection.State}, not Expired");
            await Task.Delay(20);
        }

        var status = ps.Run("Get-PvcCluster").ThrowIfErrors();
        Assert.Equal("lab", status.OutputOf<ClusterStatus>().Single().Name);
        Assert.Contains(status.Warnings, w => w.Message.Contains("expired", StringComparison.Ordinal) && w.Message.Contains("new session", StringComparison.Ordinal));
        Assert.Equal(ClusterConnectionState.Connected, connection.State);
        Assert.NotEqual(firstSession, connection.ZooKeeper.SessionId);
        // once renewed, the next cmdlet says nothing more
        Assert.Empty(ps.Run("Get-PvcCluster").ThrowIfErrors().Warnings);
    }

    [Fact]
    public void Unreachable_servers_and_bad_server_names_are_clear_errors()
    {
        using var ps = PowerShellSession.Open();
        var unreachable = ps.Run("Connect-PvcCluster -Server $args[0] -Timeout 1", $"127.0.0.1:{ZooKeeperServer.FreePort()}");
        var error = Assert.Single(unreachable.Errors);
        Assert.Equal("ClusterUnreachable,Pvc.PowerShell.Cmdlets.ConnectPvcClusterCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ConnectionError, error.CategoryInfo.Category);

        var bad = ps.Run("Connect-PvcCluster -Server 'hv1:notaport'");
        Assert.Equal("InvalidServer,Pvc.PowerShell.Cmdlets.ConnectPvcClusterCommand", Assert.Single(bad.Errors).FullyQualifiedErrorId);
        Assert.Contains("notaport", bad.Errors[0].Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_runspace_has_its_own_default_connection()
    {
        var first = await zk.NewChrootAsync();
        var second = await zk.NewChrootAsync();
        using var a = PowerShellSession.Open();
        using var b = PowerShellSession.Open();
        var ca = a.Run("Connect-PvcCluster $args[0]", first).ThrowIfErrors().OutputOf<ClusterConnection>().Single();
        var cb = b.Run("Connect-PvcCluster $args[0]", second).ThrowIfErrors().OutputOf<ClusterConnection>().Single();

        a.Run("Disconnect-PvcCluster").ThrowIfErrors();
        Assert.Equal(ClusterConnectionState.Closed, ca.State);
        Assert.Equal(ClusterConnectionState.Connected, cb.State);
        b.Run("Disconnect-PvcCluster").ThrowIfErrors();
        Assert.Equal(ClusterConnectionState.Closed, cb.State);
    }
}
