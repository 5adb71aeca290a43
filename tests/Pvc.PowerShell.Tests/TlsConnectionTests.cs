using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Security;
using Pvc.Testing.PowerShell;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>Tests against a TLS-enabled ZooKeeper (client certificates required, ZooKeeper's default).</summary>
[CollectionDefinition(Name)]
public sealed class ZooKeeperTlsCollection : ICollectionFixture<ZooKeeperTlsFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "zookeeper-tls";
}

[Collection(ZooKeeperTlsCollection.Name)]
public sealed class TlsConnectionTests(ZooKeeperTlsFixture zk) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pvc-ps-tls-").FullName;

    [Fact]
    public async Task Connect_over_TLS_to_a_closed_cluster_and_the_cmdlets_work()
    {
        var chroot = await zk.NewChrootPathAsync();
        await using (var setup = await ClusterConnection.ConnectAsync(new() { Servers = [zk.Server.SecureEndpoint + chroot], Tls = zk.ClientTls, User = "alice", Password = "al1ce-pw" }))
            await ClusterInitializer.InitializeAsync(setup, new ClusterInitOptions { Name = "secure" });
        var (authority, _, _) = zk.Pki.WriteClientFiles(_dir);
        using var ps = PowerShellSession.Open();

        var connection = ps.Run("Connect-PvcCluster $args[0] -Credential $args[1] -CertificateAuthorityFile $args[2] -ClientCertificate $args[3]",
            zk.Server.SecureEndpoint + chroot, ClusterAccessCmdletTests.Credential("alice", "al1ce-pw"), authority, zk.Pki.Client)
            .ThrowIfErrors().OutputOf<ClusterConnection>().Single();
        Assert.Equal((ClusterConnectionState.Connected, ClusterAccessMode.Closed, zk.Server.SecureEndpoint), (connection.State, connection.AccessMode, connection.ConnectedServer));
        Assert.Equal("secure", ps.Run("(Get-PvcCluster).Name").ThrowIfErrors().OutputOf<string>().Single());
        ps.Run("Set-PvcCluster -Maintenance $true").ThrowIfErrors();
        Assert.Equal("true"u8.ToArray(), (await connection.ZooKeeper.GetDataAsync("/config/maintenance")).Data);
    }

    [Fact]
    public void A_server_the_given_authority_did_not_sign_is_refused_with_the_reason()
    {
        using var other = TestPki.Create("Another CA");
        var (authority, _, _) = other.WriteClientFiles(_dir);
        using var ps = PowerShellSession.Open();
        var refused = ps.Run("Connect-PvcCluster $args[0] -CertificateAuthorityFile $args[1] -ClientCertificate $args[2] -Timeout 2",
            zk.Server.SecureEndpoint, authority, zk.Pki.Client);
        var error = Assert.Single(refused.Errors);
        Assert.Equal("ClusterUnreachable,Pvc.PowerShell.Cmdlets.ConnectPvcClusterCommand", error.FullyQualifiedErrorId);
        Assert.Contains("does not chain to the configured certificate authorities", error.Exception.Message, StringComparison.Ordinal);

        var missing = ps.Run("Connect-PvcCluster $args[0] -CertificateAuthorityFile $args[1]", zk.Server.SecureEndpoint, Path.Combine(_dir, "none.pem"));
        Assert.Equal("InvalidCertificateAuthorityFile,Pvc.PowerShell.Cmdlets.ConnectPvcClusterCommand", Assert.Single(missing.Errors).FullyQualifiedErrorId);
        var noTls = ps.Run("Connect-PvcCluster $args[0] -ClientCertificate $args[1]", zk.Server.SecureEndpoint, zk.Pki.Client);
        Assert.Equal("ClientCertificateWithoutTls,Pvc.PowerShell.Cmdlets.ConnectPvcClusterCommand", Assert.Single(noTls.Errors).FullyQualifiedErrorId);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
