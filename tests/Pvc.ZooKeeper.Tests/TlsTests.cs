using System.Security.Authentication;
using Pvc.Testing.ZooKeeper;

namespace Pvc.ZooKeeper.Tests;

/// <summary>Tests against a real TLS-enabled ZooKeeper 3.8 (Netty, secureClientPort, client certificates required).</summary>
[CollectionDefinition(Name)]
public sealed class ZooKeeperTlsCollection : ICollectionFixture<ZooKeeperTlsFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "zookeeper-tls";
}

[Collection(ZooKeeperTlsCollection.Name)]
public sealed class TlsTests(ZooKeeperTlsFixture zk)
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Connects_over_TLS_and_works_including_watches_and_digest_auth()
    {
        var chroot = await zk.NewChrootPathAsync();
        var log = new System.Collections.Concurrent.ConcurrentQueue<ZooKeeperLogEntry>();
        await using var client = await ZooKeeperClient.ConnectAsync(zk.Server.SecureEndpoint + chroot, new()
        {
            Tls = zk.ClientTls,
            Auth = [("digest", "member:m3mber"u8.ToArray())],
            DefaultAcl = [Acl.Digest("member", "m3mber", Permissions.All)],
            Log = log.Enqueue,
        });
        Assert.Equal(zk.Server.SecureEndpoint, client.ConnectedServer);
        await client.CreateAsync("/vm", "start"u8.ToArray());
        var changed = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.GetDataAsync("/vm", e => changed.TrySetResult(e));
        await client.MultiAsync([Op.SetData("/vm", "migrate"u8.ToArray()), Op.Create("/vm/lock", new byte[200 * 1024])]);
        Assert.Equal(WatchEventType.NodeDataChanged, (await changed.Task.WaitAsync(TimeSpan.FromSeconds(10))).Type);
        Assert.Equal(200 * 1024, (await client.GetDataAsync("/vm/lock")).Data.Length);

        // the plain port sees the same data, and the ACL holds there too
        await using var plain = await ZooKeeperClient.ConnectAsync(zk.Server.Endpoint + chroot);
        await Assert.ThrowsAsync<NoAuthException>(() => plain.GetDataAsync("/vm"));
        Assert.DoesNotContain(log, e => e.Level >= ZooKeeperLogLevel.Warning);
    }

    [Fact]
    public async Task The_client_reads_its_TLS_settings_from_PEM_files()
    {
        var dir = Directory.CreateTempSubdirectory("pvc-tls-client-").FullName;
        try
        {
            var (authority, certificate, key) = zk.Pki.WriteClientFiles(dir);
            var tls = ZooKeeperTlsOptions.FromPemFiles(authority, certificate, key);
            await using var client = await ZooKeeperClient.ConnectAsync(zk.Server.SecureEndpoint, new() { Tls = tls });
            Assert.NotNull(await client.ExistsAsync("/zookeeper"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_server_whose_certificate_another_authority_signed_is_refused()
    {
        using var other = TestPki.Create("Some other CA");
        var log = new System.Collections.Concurrent.ConcurrentQueue<ZooKeeperLogEntry>();
        var refused = await Assert.ThrowsAsync<ConnectionLossException>(() => ZooKeeperClient.ConnectAsync(zk.Server.SecureEndpoint, new()
        {
            Tls = new() { CertificateAuthorities = other.Trust, ClientCertificate = zk.Pki.Client },
            ConnectTimeout = Short,
            Log = log.Enqueue,
        }));
        var reason = Assert.IsType<AuthenticationException>(refused.InnerException);
        Assert.Contains("does not chain to the configured certificate authorities", reason.Message, StringComparison.Ordinal);
        Assert.Contains("does not chain", refused.Message, StringComparison.Ordinal);
        Assert.Contains(log, e => e.Level == ZooKeeperLogLevel.Warning && e.Exception is AuthenticationException);
    }

    [Fact]
    public async Task A_connect_that_times_out_during_a_refused_hand_shake_fails_with_ConnectionLoss_only()
    {
        // the connect timeout closes the client while a hand-shake is under way; the hand-shake's own failure
        // (AuthenticationException, IOException) must not replace the ConnectionLoss the caller expects
        using var other = TestPki.Create("Some other CA");
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var timeout = TimeSpan.FromMilliseconds(5 + (attempt * 3 % 60));
            await Assert.ThrowsAsync<ConnectionLossException>(() => ZooKeeperClient.ConnectAsync(zk.Server.SecureEndpoint, new()
            {
                Tls = new() { CertificateAuthorities = other.Trust, ClientCertificate = zk.Pki.Client },
                ConnectTimeout = timeout,
            }));
        }
    }

    [Fact]
    public async Task A_server_whose_certificate_does_not_carry_the_expected_name_is_refused()
    {
        var refused = await Assert.ThrowsAsync<ConnectionLossException>(() => ZooKeeperClient.ConnectAsync(zk.Server.SecureEndpoint, new()
        {
            Tls = zk.ClientTls with { ServerName = "zk1.elsewhere.example" },
            ConnectTimeout = Short,
        }));
        var reason = Assert.IsType<AuthenticationException>(refused.InnerException);
        Assert.Contains("is not issued for 'zk1.elsewhere.example'", reason.Message, StringComparison.Ordinal);

        // the certificate names both 127.0.0.1 and localhost
        await using var byName = await ZooKeeperClient.ConnectAsync($"localhost:{zk.Server.SecureClientPort}", new() { Tls = zk.ClientTls });
        Assert.NotNull(await byName.ExistsAsync("/"));
    }

    [Fact]
    public async Task Without_a_client_certificate_the_server_refuses_the_connection()
    {
        // ZooKeeper's default ssl.clientAuth is need
        var refused = await Assert.ThrowsAsync<ConnectionLossException>(() => ZooKeeperClient.ConnectAsync(zk.Server.SecureEndpoint, new()
        {
            Tls = zk.ClientTls with { ClientCertificate = null },
            ConnectTimeout = Short,
        }));
        Assert.NotNull(refused.InnerException);
    }

    [Fact]
    public async Task A_plain_client_on_the_TLS_port_gets_no_session()
    {
        await Assert.ThrowsAsync<ConnectionLossException>(() => ZooKeeperClient.ConnectAsync(zk.Server.SecureEndpoint, new() { ConnectTimeout = Short }));
    }
}
