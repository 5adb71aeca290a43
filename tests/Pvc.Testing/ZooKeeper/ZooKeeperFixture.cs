using Xunit;

namespace Pvc.Testing.ZooKeeper;

/// <summary>
/// One private ZooKeeper server for a test collection. Each test takes a fresh chroot
/// (<see cref="NewChrootAsync"/>), so tests in the collection never see each other's znodes.
/// </summary>
public sealed class ZooKeeperFixture : IAsyncLifetime
{
    private ZooKeeperServer? _server;

    /// <summary>The running server.</summary>
    public ZooKeeperServer Server => _server ?? throw new InvalidOperationException("The ZooKeeper fixture has not started.");

    /// <summary>Starts the server.</summary>
    public async Task InitializeAsync() => _server = await ZooKeeperServer.StartStandaloneAsync();

    /// <summary>Stops the server by PID and removes its data.</summary>
    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }

    /// <summary>Creates an empty, uniquely named chroot and returns its connection string (<c>127.0.0.1:port/t-...</c>).</summary>
    public Task<string> NewChrootAsync(string? hint = null) => ZooKeeperChroot.CreateAsync(Server.Endpoint, hint is null ? "t" : $"t-{hint}");
}
