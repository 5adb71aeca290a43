using System.Management.Automation;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Security;
using Pvc.Testing.Network;
using Pvc.Testing.PowerShell;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>
/// What a ZooKeeper error that happens under a cmdlet gives its user: an ErrorRecord with a category and an ErrorId of
/// Core's, never the client's exception; and what a script holding a connection can reach of the client: nothing.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class ZooKeeperErrorRecordTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task A_connection_shows_a_script_nothing_of_the_ZooKeeper_client()
    {
        await using var seed = await TestCluster.InitializedAsync(zk);
        var chroot = seed.Servers;
        using var ps = PowerShellSession.Open();
        ps.Run("$c = Connect-PvcCluster $args[0]", chroot).ThrowIfErrors();

        // before: ZooKeeper (the client itself, which writes past every check of Core's) and State (the client's enum)
        var shown = ps.Run("$c.PSObject.Properties | Where-Object { $_.TypeNameOfValue -like 'Pvc.ZooKeeper*' } | ForEach-Object Name").ThrowIfErrors();
        Assert.Empty(shown.OutputOf<string>());
        Assert.True(ps.Run("$null -eq $c.ZooKeeper").ThrowIfErrors().OutputOf<bool>().Single());
        Assert.Equal(("Connected", "Pvc.Core.Connection.ClusterConnectionState"),
            ps.Run("$c.State.ToString(); $c.State.GetType().FullName").ThrowIfErrors().OutputOf<string>() is [var state, var type] ? (state, type) : default);
    }

    [Fact]
    public async Task A_user_taken_off_a_closed_clusters_keys_gets_AccessDenied_from_the_next_cmdlet()
    {
        var chroot = await zk.NewChrootAsync();
        var admin = new ClusterCredential("alice", "al1ce-pw");
        var member = new ClusterCredential("pvcnode", "m3mber-pw");
        await using var owner = await ClusterConnection.ConnectAsync(new ClusterConnectionOptions { Servers = [chroot], User = admin.User, Password = "al1ce-pw" });
        await ClusterInitializer.InitializeAsync(owner, new ClusterInitOptions { Name = "lab", GrantedCredentials = [member] });
        using var ps = PowerShellSession.Open();
        ps.Run("Connect-PvcCluster $args[0] -Credential $args[1] | Out-Null", chroot, ClusterAccessCmdletTests.Credential("pvcnode", "m3mber-pw")).ThrowIfErrors();
        ps.Run("Get-PvcVm").ThrowIfErrors();

        // the administrator takes the member off the VMs' keys
        await owner.ZooKeeper.SetAclAsync("/domains", [admin.AclEntry]);

        var error = Assert.Single(ps.Run("Get-PvcVm").Errors);
        Assert.Equal("AccessDenied,Pvc.PowerShell.Cmdlets.GetPvcVmCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.IsNotAssignableFrom<ZooKeeperException>(error.Exception);
    }

    [Fact]
    public async Task A_cmdlet_whose_cluster_became_unreachable_gives_ClusterUnreachable()
    {
        await using var seed = await TestCluster.InitializedAsync(zk);
        var chroot = seed.Servers;
        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        using var ps = PowerShellSession.Open();
        ps.Run("Connect-PvcCluster $args[0] -SessionTimeout 2 | Out-Null", proxy.Endpoint + chroot[chroot.IndexOf('/', StringComparison.Ordinal)..]).ThrowIfErrors();
        ps.Run("Get-PvcVm").ThrowIfErrors();

        proxy.Cut();
        var error = Assert.Single(ps.Run("Get-PvcVm").Errors);
        // before: "ZooKeeperConnectionLoss", an id of the client's code that no list of Core's has
        Assert.Equal("ClusterUnreachable,Pvc.PowerShell.Cmdlets.GetPvcVmCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.IsNotAssignableFrom<ZooKeeperException>(error.Exception);
    }
}
