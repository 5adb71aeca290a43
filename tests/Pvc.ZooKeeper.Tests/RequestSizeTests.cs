using Pvc.Testing.ZooKeeper;

namespace Pvc.ZooKeeper.Tests;

/// <summary>
/// A request larger than the server's jute.maxbuffer makes the server drop the connection, and with it every request
/// in flight: the client refuses such a request itself, before it is sent.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class RequestSizeTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_oversized_write_is_refused_before_it_is_sent_and_other_requests_in_flight_are_unaffected()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        var states = new List<ZooKeeperState>();
        client.StateChanged += (_, e) => states.Add(e.Current);
        await client.CreateAsync("/x", "small"u8.ToArray());
        var session = client.SessionId;

        var before = Enumerable.Range(0, 200).Select(_ => client.GetDataAsync("/x")).ToList();
        var oversized = client.SetDataAsync("/x", new byte[2 * 1024 * 1024]);
        var oversizedCreate = client.MultiAsync([Op.Create("/big", new byte[600 * 1024]), Op.Create("/big2", new byte[600 * 1024])]);
        var after = Enumerable.Range(0, 200).Select(_ => client.GetDataAsync("/x")).ToList();

        var refused = await Assert.ThrowsAsync<RequestTooLargeException>(() => oversized.WaitAsync(Deadline));
        Assert.Equal("/x", refused.Path);
        Assert.True(refused.Size > 2 * 1024 * 1024, $"size {refused.Size}");
        Assert.Equal(ZooKeeperClientOptions.DefaultMaxRequestSize, refused.Limit);
        await Assert.ThrowsAsync<RequestTooLargeException>(() => oversizedCreate.WaitAsync(Deadline));
        foreach (var read in before.Concat(after))
            Assert.Equal("small"u8.ToArray(), (await read.WaitAsync(Deadline)).Data);
        Assert.Equal(session, client.SessionId);
        Assert.DoesNotContain(ZooKeeperState.Suspended, states);
        Assert.Null(await client.ExistsAsync("/big"));

        // a large write within the limit goes through
        await client.SetDataAsync("/x", new byte[1000 * 1000]);
        Assert.Equal(1000 * 1000, (await client.GetDataAsync("/x")).Data.Length);
    }

    [Fact]
    public async Task The_limit_is_configurable()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot, new() { MaxRequestSize = 4096 });
        await client.CreateAsync("/x", new byte[3000]);
        var refused = await Assert.ThrowsAsync<RequestTooLargeException>(() => client.SetDataAsync("/x", new byte[5000]));
        Assert.Equal(4096, refused.Limit);
        Assert.Equal(3000, (await client.GetDataAsync("/x")).Data.Length);
    }
}
