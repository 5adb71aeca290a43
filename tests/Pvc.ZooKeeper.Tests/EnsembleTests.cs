using System.Text;
using Pvc.Testing.ZooKeeper;

namespace Pvc.ZooKeeper.Tests;

/// <summary>A three-server ensemble of its own, since the test kills members.</summary>
public sealed class EnsembleTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ZooKeeperEnsemble? _ensemble;

    private ZooKeeperEnsemble Ensemble => _ensemble!;

    public async Task InitializeAsync() => _ensemble = await ZooKeeperEnsemble.StartAsync();

    public async Task DisposeAsync()
    {
        if (_ensemble is not null)
            await _ensemble.DisposeAsync();
    }

    [Fact]
    public async Task Killing_the_connected_member_keeps_the_session_its_ephemerals_and_its_watches()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(Ensemble.ConnectionString, new() { SessionTimeout = TimeSpan.FromSeconds(8) });
        var session = client.SessionId;
        await client.CreateAsync("/node", Encoding.UTF8.GetBytes("hv1"), CreateMode.Ephemeral);
        var changed = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.GetDataAsync("/node", e => changed.TrySetResult(e));
        var reconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.StateChanged += (_, e) =>
        {
            if (e.Current == ZooKeeperState.Connected)
                reconnected.TrySetResult(e.Server!);
        };

        var connected = client.ConnectedServer!;
        var victim = Ensemble.Members.Single(m => m.Endpoint == connected);
        victim.Kill(); // SIGKILL

        var now = await reconnected.Task.WaitAsync(Deadline);
        Assert.NotEqual(connected, now);
        Assert.Equal(session, client.SessionId);
        // the ephemeral node survived: the session did
        var stat = await client.ExistsAsync("/node");
        Assert.NotNull(stat);
        Assert.Equal(session, stat.EphemeralOwner);

        // the watch set before the failover still fires for a change made through another member
        var otherEndpoint = Ensemble.Members.First(m => m.Pid is not null && m.Endpoint != now).Endpoint;
        await using var other = await ZooKeeperClient.ConnectAsync(otherEndpoint);
        await other.SetDataAsync("/node", Encoding.UTF8.GetBytes("hv2"));
        Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, "/node"), await changed.Task.WaitAsync(Deadline));
        Assert.Equal("hv2", Encoding.UTF8.GetString((await client.GetDataAsync("/node")).Data));
    }
}
