using System.Collections.Concurrent;
using System.Text;
using Pvc.Testing.ZooKeeper;

namespace Pvc.ZooKeeper.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class WatchTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>A watcher that hands its events to the test as a queue it can await.</summary>
    private sealed class Recorder
    {
        private readonly BlockingCollection<WatchedEvent> _events = [];

        public Watcher Watcher => e => _events.Add(e);

        public WatchedEvent Next()
        {
            Assert.True(_events.TryTake(out var e, Deadline), "no watch event within the deadline");
            return e!;
        }

        public bool Quiet(TimeSpan within) => !_events.TryTake(out _, within);
    }

    [Fact]
    public async Task Data_watch_fires_once_on_change()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        await using var writer = await ZooKeeperClient.ConnectAsync(chroot);
        await client.CreateAsync("/w", B("0"));
        var rec = new Recorder();

        await client.GetDataAsync("/w", rec.Watcher);
        await writer.SetDataAsync("/w", B("1"));
        Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, "/w"), rec.Next());

        // one-shot: a second change is not reported until the watch is set again
        await writer.SetDataAsync("/w", B("2"));
        await client.SyncAsync("/w");
        await client.GetDataAsync("/w"); // a round trip after the change: any event would have come first
        Assert.True(rec.Quiet(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Exists_watch_fires_on_create_and_child_watch_on_new_child()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        await using var writer = await ZooKeeperClient.ConnectAsync(chroot);
        var rec = new Recorder();

        Assert.Null(await client.ExistsAsync("/later", rec.Watcher));
        await writer.CreateAsync("/later", B(""));
        Assert.Equal(new WatchedEvent(WatchEventType.NodeCreated, "/later"), rec.Next());

        await client.GetChildrenAsync("/later", rec.Watcher);
        await writer.CreateAsync("/later/kid", B(""));
        Assert.Equal(new WatchedEvent(WatchEventType.NodeChildrenChanged, "/later"), rec.Next());
    }

    [Fact]
    public async Task Delete_fires_data_and_child_watches()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        await using var writer = await ZooKeeperClient.ConnectAsync(chroot);
        await client.CreateAsync("/d", B(""));
        var data = new Recorder();
        var children = new Recorder();
        await client.GetDataAsync("/d", data.Watcher);
        await client.GetChildrenAsync("/d", children.Watcher);

        await writer.DeleteAsync("/d");
        Assert.Equal(new WatchedEvent(WatchEventType.NodeDeleted, "/d"), data.Next());
        Assert.Equal(new WatchedEvent(WatchEventType.NodeDeleted, "/d"), children.Next());
    }

    [Fact]
    public async Task Events_are_delivered_one_at_a_time_in_server_order()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        await using var writer = await ZooKeeperClient.ConnectAsync(chroot);
        const int count = 200;
        for (var i = 0; i < count; i++)
            await client.CreateAsync($"/n{i:D3}", B(""));
        var seen = new List<string>();
        var running = 0;
        var overlapped = false;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < count; i++)
            await client.GetDataAsync($"/n{i:D3}", e =>
            {
                if (Interlocked.Increment(ref running) > 1)
                    overlapped = true;
                Thread.Sleep(1); // a slow callback must not let the next one start beside it
                seen.Add(e.Path);
                Interlocked.Decrement(ref running);
                if (seen.Count == count)
                    all.TrySetResult();
            });

        // one transaction per change, applied in this order
        for (var i = count - 1; i >= 0; i--)
            _ = writer.SetDataAsync($"/n{i:D3}", B("x"));
        await all.Task.WaitAsync(Deadline);

        Assert.False(overlapped);
        Assert.Equal(Enumerable.Range(0, count).Reverse().Select(i => $"/n{i:D3}"), seen);
    }

    [Fact]
    public async Task A_throwing_watcher_does_not_stop_the_event_loop()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        await client.CreateAsync("/t", B(""));
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.WatcherFailed += (_, e) => failed.TrySetResult(e);
        var rec = new Recorder();
        await client.GetDataAsync("/t", _ => throw new InvalidOperationException("boom"));
        await client.ExistsAsync("/t", rec.Watcher);

        await client.SetDataAsync("/t", B("1"));
        Assert.Equal("boom", (await failed.Task.WaitAsync(Deadline)).Message);
        Assert.Equal(WatchEventType.NodeDataChanged, rec.Next().Type);
    }
}
