using System.Management.Automation;
using System.Security;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Security;
using Pvc.Testing.PowerShell;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>Closed and open clusters through the cmdlets: Initialize-PvcCluster's modes and Connect-PvcCluster -Credential.</summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class ClusterAccessCmdletTests(ZooKeeperFixture zk)
{
    internal static PSCredential Credential(string user, string password)
    {
        var secure = new SecureString();
        foreach (var c in password)
            secure.AppendChar(c);
        secure.MakeReadOnly();
        return new PSCredential(user, secure);
    }

    [Fact]
    public async Task Initialize_closes_the_cluster_to_all_but_its_users_and_Connect_needs_a_credential_of_theirs()
    {
        var chroot = await zk.NewChrootAsync();
        var admin = Credential("alice", "al1ce-pw");
        var node = Credential("pvcnode", "m3mber-pw");
        using (var ps = PowerShellSession.Open())
        {
            ps.Run("Connect-PvcCluster $args[0] -Credential $args[1] | Out-Null", chroot, admin).ThrowIfErrors();
            var init = ps.Run("Initialize-PvcCluster lab -NodeCredential $args[0] -AdministratorCredential $args[1] -Confirm:$false",
                node, Credential("bob", "b0b-pw")).ThrowIfErrors();
            Assert.Equal("lab", init.OutputOf<ClusterStatus>().Single().Name);
            Assert.Empty(init.Warnings);
        }
        var users = new[] { new ClusterCredential("alice", "al1ce-pw"), new ClusterCredential("pvcnode", "m3mber-pw"), new ClusterCredential("bob", "b0b-pw") };
        await using (var check = await ClusterConnection.ConnectAsync(new() { Servers = [chroot], User = "bob", Password = "b0b-pw" }))
            Assert.Equal(users.Select(u => u.AclEntry), (await check.ZooKeeper.GetAclAsync("/config")).Acl);

        using var other = PowerShellSession.Open();
        var anonymous = other.Run("Connect-PvcCluster $args[0]", chroot);
        var denied = Assert.Single(anonymous.Errors);
        Assert.Equal("AccessDenied,Pvc.PowerShell.Cmdlets.ConnectPvcClusterCommand", denied.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, denied.CategoryInfo.Category);
        var wrong = other.Run("Connect-PvcCluster $args[0] -Credential $args[1]", chroot, Credential("alice", "guessed"));
        Assert.Equal("AccessDenied,Pvc.PowerShell.Cmdlets.ConnectPvcClusterCommand", Assert.Single(wrong.Errors).FullyQualifiedErrorId);

        var connection = other.Run("Connect-PvcCluster $args[0] -Credential $args[1]", chroot, node).ThrowIfErrors().OutputOf<ClusterConnection>().Single();
        Assert.Equal((ClusterAccessMode.Closed, "pvcnode", "lab"), (connection.AccessMode, connection.User, connection.Name));
        var rendered = other.Render("$args[0]", connection).ThrowIfErrors().HostText;
        Assert.Contains("Closed", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("m3mber-pw", rendered, StringComparison.Ordinal);
        Assert.Equal("lab", other.Run("(Get-PvcCluster).Name").ThrowIfErrors().OutputOf<string>().Single());
    }

    [Fact]
    public async Task A_closed_cluster_needs_a_credential_and_an_open_one_is_said_to_be_open()
    {
        var chroot = await zk.NewChrootAsync();
        using var ps = PowerShellSession.Open();
        ps.Run("Connect-PvcCluster $args[0] | Out-Null", chroot).ThrowIfErrors();

        var refused = ps.Run("Initialize-PvcCluster lab -Confirm:$false");
        var error = Assert.Single(refused.Errors);
        Assert.Equal("CredentialRequired,Pvc.PowerShell.Cmdlets.InitializePvcClusterCommand", error.FullyQualifiedErrorId);
        Assert.Contains("-Credential", error.Exception.Message, StringComparison.Ordinal);

        var open = ps.Run("Initialize-PvcCluster lab -Open -Confirm:$false").ThrowIfErrors();
        Assert.Contains(open.Warnings, w => w.Message.Contains("open (PVC-compatible)", StringComparison.Ordinal) && w.Message.Contains("IPMI passwords", StringComparison.Ordinal));
        Assert.Equal(ClusterAccessMode.Open, ps.Run("Connect-PvcCluster $args[0]", chroot).ThrowIfErrors().OutputOf<ClusterConnection>().Single().AccessMode);
        await using var anonymous = await ZooKeeperClient.ConnectAsync(chroot);
        Assert.Equal("lab"u8.ToArray(), (await anonymous.GetDataAsync("/config")).Data);

        var badUser = ps.Run("Initialize-PvcCluster lab -Overwrite -NodeCredential $args[0] -Confirm:$false", Credential("a:b", "pw"));
        Assert.Equal("InvalidCredential,Pvc.PowerShell.Cmdlets.InitializePvcClusterCommand", Assert.Single(badUser.Errors).FullyQualifiedErrorId);
        var both = ps.Run("Initialize-PvcCluster lab -Open -NodeCredential $args[0] -Confirm:$false", Credential("pvcnode", "pw"));
        Assert.Contains("AmbiguousParameterSet", Assert.Single(both.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_node_credential_a_closed_cluster_is_initialised_with_a_warning()
    {
        var chroot = await zk.NewChrootAsync();
        using var ps = PowerShellSession.Open();
        ps.Run("Connect-PvcCluster $args[0] -Credential $args[1] | Out-Null", chroot, Credential("alice", "al1ce-pw")).ThrowIfErrors();
        var init = ps.Run("Initialize-PvcCluster lab -Confirm:$false").ThrowIfErrors();
        Assert.Contains(init.Warnings, w => w.Message.Contains("No -NodeCredential", StringComparison.Ordinal) && w.Message.Contains("alice", StringComparison.Ordinal));
        await using var anonymous = await ZooKeeperClient.ConnectAsync(chroot);
        await Assert.ThrowsAsync<NoAuthException>(() => anonymous.GetDataAsync("/config"));
    }
}
