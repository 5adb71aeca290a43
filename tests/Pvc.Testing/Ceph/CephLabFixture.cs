using Xunit;

namespace Pvc.Testing.Ceph;

/// <summary>
/// One <see cref="CephLab"/> for a test collection (a start costs 15-30 s on two cores): each test makes its own pools
/// and images with unique names and removes them, so tests never see each other's data.
/// </summary>
public sealed class CephLabFixture : IAsyncLifetime
{
    private CephLab? _lab;

    /// <summary>The running cluster.</summary>
    public CephLab Lab => _lab ?? throw new InvalidOperationException("The Ceph lab has not started.");

    /// <summary>
    /// Starts the cluster, waits for HEALTH_OK, and enables the manager's prometheus module (the node service's ceph
    /// metrics part proxies it) before any test runs: its enabling respawns the manager, which no test should see.
    /// </summary>
    public async Task InitializeAsync() => _lab = await CephLab.StartAsync(new CephLabOptions { PrometheusModule = true });

    /// <summary>Stops the daemons by PID and removes the lab's folder.</summary>
    public async Task DisposeAsync()
    {
        if (_lab is not null)
            await _lab.DisposeAsync();
    }

    /// <summary>A name no other test uses: <paramref name="prefix"/> and 8 hex digits.</summary>
    public static string UniqueName(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 8)];
}
