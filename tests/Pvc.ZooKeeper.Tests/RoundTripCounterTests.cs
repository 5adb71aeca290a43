using Pvc.Testing.ZooKeeper;

namespace Pvc.ZooKeeper.Tests;

/// <summary>
/// The client's round-trip count: what a sequence of operations costs in latency, whatever the number of requests.
/// Requests in flight together count once; each one sent after the last answer counts again.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class RoundTripCounterTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task Requests_sent_one_after_another_count_each_and_requests_in_flight_together_count_once()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        await client.CreateAsync("/a", "1"u8.ToArray());

        var before = client.RoundTrips;
        await client.GetDataAsync("/a");
        await client.ExistsAsync("/a");
        await client.SetDataAsync("/a", "2"u8.ToArray());
        Assert.Equal(3, client.RoundTrips - before);

        before = client.RoundTrips;
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.GetDataAsync("/a")));
        Assert.Equal(1, client.RoundTrips - before);

        // a failed request ends its round trip too: the next one counts again
        before = client.RoundTrips;
        await Assert.ThrowsAsync<NoNodeException>(() => client.GetDataAsync("/missing"));
        await client.GetDataAsync("/a");
        Assert.Equal(2, client.RoundTrips - before);
    }

    [Fact]
    public async Task A_watch_firing_costs_no_round_trip()
    {
        var chroot = await zk.NewChrootAsync();
        await using var writer = await ZooKeeperClient.ConnectAsync(chroot);
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        await writer.CreateAsync("/w", "1"u8.ToArray());
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.GetDataAsync("/w", _ => fired.TrySetResult());

        var before = client.RoundTrips;
        await writer.SetDataAsync("/w", "2"u8.ToArray());
        await fired.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, client.RoundTrips - before);
    }
}
