using Xunit;
using Pvc.ZooKeeper;

namespace Pvc.Testing.ZooKeeper;

/// <summary>
/// One private ZooKeeper server with TLS (<see cref="ZooKeeperServer.StartTlsAsync"/>) for a test collection, and the
/// PKI it was made with. Plain connections to its client port still work, for set-up.
/// </summary>
public sealed class ZooKeeperTlsFixture : IAsyncLifetime
{
    private ZooKeeperServer? _server;

    /// <summary>The certificates.</summary>
    public TestPki Pki { get; } = TestPki.Create();

    /// <summary>The running server.</summary>
    public ZooKeeperServer Server => _server ?? throw new InvalidOperationException("The ZooKeeper TLS fixture has not started.");

    /// <summary>TLS options that trust the fixture's authority and present its client certificate.</summary>
    public ZooKeeperTlsOptions ClientTls => new() { CertificateAuthorities = Pki.Trust, ClientCertificate = Pki.Client };

    /// <summary>Starts the server.</summary>
    public async Task InitializeAsync() => _server = await ZooKeeperServer.StartTlsAsync(Pki);

    /// <summary>Stops the server by PID and removes its data.</summary>
    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        Pki.Dispose();
    }

    /// <summary>Creates an empty chroot (over the plain port) and returns its path, e.g. <c>/t-...</c>.</summary>
    public Task<string> NewChrootPathAsync() => ZooKeeperChroot.CreatePathAsync(Server.Endpoint, "t");
}
