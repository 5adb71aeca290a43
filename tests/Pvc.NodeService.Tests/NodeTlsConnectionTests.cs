using Pvc.Core.Connection;
using Pvc.NodeService.Configuration;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests;

/// <summary>The node service's connection from pvc.conf's TLS files, against a TLS-enabled ZooKeeper (client certificates required).</summary>
[CollectionDefinition(Name)]
public sealed class NodeTlsCollection : ICollectionFixture<ZooKeeperTlsFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "node-zookeeper-tls";
}

[Collection(NodeTlsCollection.Name)]
public sealed class NodeTlsConnectionTests(ZooKeeperTlsFixture zk) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pvc-node-tls-").FullName;

    [Fact]
    public async Task The_node_connects_over_TLS_with_the_files_of_its_configuration()
    {
        var (authority, certificate, key) = zk.Pki.WriteClientFiles(_dir);
        var config = new NodeConfig
        {
            ClusterName = "c", NodeName = "hv1", ZooKeeper = zk.Server.SecureEndpoint,
            ZooKeeperTls = new ZooKeeperTlsSettings { CaFile = authority, CertificateFile = certificate, KeyFile = key },
        };
        NodeConnection.CheckTls(config.ZooKeeperTls);

        await using var cluster = await ClusterConnection.ConnectAsync(NodeConnection.Options(config, new LineLogger()));
        Assert.True(cluster.IsConnected);
        Assert.Equal(zk.Server.SecureEndpoint, cluster.ConnectedServer);
    }

    [Fact]
    public void A_certificate_authority_file_that_holds_no_certificate_is_found_before_any_connection()
    {
        var (_, certificate, key) = zk.Pki.WriteClientFiles(_dir);
        var empty = Path.Combine(_dir, "empty.pem");
        File.WriteAllText(empty, "");
        var e = Assert.Throws<Core.Errors.PvcException>(() => NodeConnection.CheckTls(new ZooKeeperTlsSettings { CaFile = empty, CertificateFile = certificate, KeyFile = key }));
        Assert.Equal(Core.Errors.PvcErrorIds.InvalidCertificateAuthorityFile, e.ErrorId);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
