using System.Collections.Concurrent;
using System.Text;
using Pvc.Testing.Network;
using Pvc.Testing.ZooKeeper;

namespace Pvc.ZooKeeper.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class SessionTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string ChrootOf(string connectionString) => connectionString[connectionString.IndexOf('/', StringComparison.Ordinal)..];

    /// <summary>Records state changes so a test can wait for one.</summary>
    private sealed class States
    {
        private readonly BlockingCollection<ZooKeeperState> _seen = [];

        public States(ZooKeeperClient client) => client.StateChanged += (_, e) => _seen.Add(e.Current);

        public void WaitFor(ZooKeeperState state)
        {
            while (true)
            {
                Assert.True(_seen.TryTake(out var s, Deadline), $"the client did not become {state} within {Deadline}");
                if (s == state)
                    return;
            }
        }
    }

    [Fact]
    public async Task Ephemeral_nodes_go_when_the_session_closes_and_their_watchers_hear_it()
    {
        var chroot = await zk.NewChrootAsync();
        await using var observer = await ZooKeeperClient.ConnectAsync(chroot);
        var owner = await ZooKeeperClient.ConnectAsync(chroot);
        await owner.CreateAsync("/alive", B("me"), CreateMode.Ephemeral);
        var deleted = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.NotNull(await observer.ExistsAsync("/alive", e => deleted.TrySetResult(e)));

        await owner.CloseAsync();

        Assert.Equal(ZooKeeperState.Closed, owner.State);
        Assert.Equal(new WatchedEvent(WatchEventType.NodeDeleted, "/alive"), await deleted.Task.WaitAsync(Deadline));
        Assert.Null(await observer.ExistsAsync("/alive"));
        await Assert.ThrowsAsync<ClientClosedException>(() => owner.GetDataAsync("/"));
    }

    [Fact]
    public async Task A_watch_set_before_a_connection_loss_fires_for_a_change_made_during_it()
    {
        var chroot = await zk.NewChrootAsync();
        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        await using var writer = await ZooKeeperClient.ConnectAsync(chroot);
        await writer.CreateAsync("/vm", B("start"));
        await using var client = await ZooKeeperClient.ConnectAsync(proxy.Endpoint + ChrootOf(chroot), new() { SessionTimeout = TimeSpan.FromSeconds(10) });
        var states = new States(client);
        var session = client.SessionId;
        var changed = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.GetDataAsync("/vm", e => changed.TrySetResult(e));
        var childEvent = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.GetChildrenAsync("/vm", e => childEvent.TrySetResult(e));

        proxy.Cut();
        states.WaitFor(ZooKeeperState.Suspended);
        Assert.Null(client.ConnectedServer);
        // the change happens while the client cannot hear about it
        await writer.SetDataAsync("/vm", B("migrate"));
        await writer.CreateAsync("/vm/lock", B(""));
        // a request made while suspended waits for the reconnect instead of failing
        var during = client.GetDataAsync("/vm");
        proxy.Restore();

        states.WaitFor(ZooKeeperState.Connected);
        Assert.Equal(session, client.SessionId);
        Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, "/vm"), await changed.Task.WaitAsync(Deadline));
        Assert.Equal(new WatchedEvent(WatchEventType.NodeChildrenChanged, "/vm"), await childEvent.Task.WaitAsync(Deadline));
        Assert.Equal("migrate", Encoding.UTF8.GetString((await during.WaitAsync(Deadline)).Data));
    }

    [Fact]
    public async Task Requests_in_flight_at_a_connection_loss_fail_with_ConnectionLoss_and_the_client_goes_on()
    {
        var chroot = await zk.NewChrootAsync();
        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        await using var client = await ZooKeeperClient.ConnectAsync(proxy.Endpoint + ChrootOf(chroot));
        var states = new States(client);
        await client.CreateAsync("/x", B(""));

        var inFlight = Enumerable.Range(0, 5000).Select(_ => (Task)client.GetDataAsync("/x")).ToList();
        proxy.Cut();
        states.WaitFor(ZooKeeperState.Suspended);
        proxy.Restore();
        states.WaitFor(ZooKeeperState.Connected);
        // sent before the cut: answered, or failed with ConnectionLoss; still queued: sent after the reconnect
        var outcomes = await Task.WhenAll(inFlight.Select(async t =>
        {
            try
            {
                await t.WaitAsync(Deadline);
                return "ok";
            }
            catch (ConnectionLossException)
            {
                return "lost";
            }
        }));
        Assert.All(outcomes, o => Assert.True(o is "ok" or "lost"));
        Assert.NotNull(await client.ExistsAsync("/x"));
    }

    [Fact]
    public async Task Session_expiry_is_an_event_and_a_distinct_exception()
    {
        var chroot = await zk.NewChrootAsync();
        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        var expired = new TaskCompletionSource<ZooKeeperStateChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await ZooKeeperClient.ConnectAsync(proxy.Endpoint + ChrootOf(chroot), new() { SessionTimeout = TimeSpan.FromSeconds(1) });
        client.StateChanged += (_, e) =>
        {
            if (e.Current == ZooKeeperState.Expired)
                expired.TrySetResult(e);
        };
        await client.CreateAsync("/mine", B(""), CreateMode.Ephemeral);

        proxy.Cut();
        // wait until the server has expired the session: its ephemeral node is gone
        await using var observer = await ZooKeeperClient.ConnectAsync(chroot);
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (await observer.ExistsAsync("/mine", _ => gone.TrySetResult()) is not null)
            await gone.Task.WaitAsync(Deadline);
        proxy.Restore();

        var change = await expired.Task.WaitAsync(Deadline);
        Assert.Equal(ZooKeeperState.Suspended, change.Previous);
        Assert.Equal(ZooKeeperState.Expired, client.State);
        await Assert.ThrowsAsync<SessionExpiredException>(() => client.GetDataAsync("/"));
        await Assert.ThrowsAsync<SessionExpiredException>(() => client.WaitConnectedAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Every_outstanding_watch_completes_with_SessionExpired_when_the_session_expires()
    {
        var chroot = await zk.NewChrootAsync();
        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        await using var client = await ZooKeeperClient.ConnectAsync(proxy.Endpoint + ChrootOf(chroot), new() { SessionTimeout = TimeSpan.FromSeconds(1) });
        await client.CreateAsync("/data", B(""));
        await client.CreateAsync("/mine", B(""), CreateMode.Ephemeral);
        var data = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var children = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var creation = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.GetDataAsync("/data", e => data.TrySetResult(e));
        await client.GetChildrenAsync("/data", e => children.TrySetResult(e));
        Assert.Null(await client.ExistsAsync("/missing", e => creation.TrySetResult(e)));

        proxy.Cut();
        await using var observer = await ZooKeeperClient.ConnectAsync(chroot);
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (await observer.ExistsAsync("/mine", _ => gone.TrySetResult()) is not null)
            await gone.Task.WaitAsync(Deadline);
        // the session is gone on the server; a change now must not be what the watches report
        await observer.SetDataAsync("/data", B("changed"));
        proxy.Restore();

        Assert.Equal(new WatchedEvent(WatchEventType.SessionExpired, "/data"), await data.Task.WaitAsync(Deadline));
        Assert.Equal(new WatchedEvent(WatchEventType.SessionExpired, "/data"), await children.Task.WaitAsync(Deadline));
        var missing = await creation.Task.WaitAsync(Deadline);
        Assert.Equal(new WatchedEvent(WatchEventType.SessionExpired, "/missing"), missing);
        Assert.True(missing.IsSessionEnd);
        Assert.Equal(ZooKeeperState.Expired, client.State);
    }

    [Fact]
    public async Task Outstanding_watches_complete_with_ClientClosed_when_the_client_closes()
    {
        var chroot = await zk.NewChrootAsync();
        var client = await ZooKeeperClient.ConnectAsync(chroot);
        await client.CreateAsync("/data", B(""));
        var fired = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.GetDataAsync("/data", e => fired.TrySetResult(e));

        await client.CloseAsync();

        Assert.Equal(new WatchedEvent(WatchEventType.ClientClosed, "/data"), await fired.Task.WaitAsync(Deadline));
    }

    [Fact]
    public async Task Connection_losses_and_failed_reconnects_are_reported_through_the_log_hook()
    {
        var chroot = await zk.NewChrootAsync();
        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        var log = new ConcurrentQueue<ZooKeeperLogEntry>();
        await using var client = await ZooKeeperClient.ConnectAsync(proxy.Endpoint + ChrootOf(chroot),
            new() { SessionTimeout = TimeSpan.FromSeconds(20), Log = log.Enqueue, Auth = [("digest", B("admin:not-to-be-logged"))] });
        var states = new States(client);

        proxy.Cut();
        states.WaitFor(ZooKeeperState.Suspended);
        // the client keeps trying; each attempt is accepted by the proxy and reset at once
        await WaitForAsync(() => log.Any(e => e.Level == ZooKeeperLogLevel.Warning && e.Message.StartsWith("Could not connect", StringComparison.Ordinal)));
        proxy.Restore();
        states.WaitFor(ZooKeeperState.Connected);
        await WaitForAsync(() => log.Any(e => e.Level == ZooKeeperLogLevel.Information && e.Message.Contains("Reconnected", StringComparison.Ordinal)));

        var lost = Assert.Single(log, e => e.Message.StartsWith("Lost the connection", StringComparison.Ordinal));
        Assert.Equal(ZooKeeperLogLevel.Warning, lost.Level);
        Assert.Contains(proxy.Endpoint, lost.Message, StringComparison.Ordinal);
        var failed = log.First(e => e.Message.StartsWith("Could not connect", StringComparison.Ordinal));
        Assert.Contains(proxy.Endpoint, failed.Message, StringComparison.Ordinal);
        Assert.NotNull(failed.Exception);
        Assert.DoesNotContain(log, e => (e.Message + e.Exception).Contains("not-to-be-logged", StringComparison.Ordinal));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"the condition did not hold within {Deadline}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Requests_fail_with_ConnectionLoss_when_no_server_comes_back_within_the_reconnect_wait()
    {
        var chroot = await zk.NewChrootAsync();
        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        await using var client = await ZooKeeperClient.ConnectAsync(proxy.Endpoint + ChrootOf(chroot),
            new() { SessionTimeout = TimeSpan.FromSeconds(20), ReconnectWait = TimeSpan.FromMilliseconds(500) });
        var states = new States(client);
        proxy.Cut();
        states.WaitFor(ZooKeeperState.Suspended);

        var waiting = client.ExistsAsync("/");
        await Assert.ThrowsAsync<ConnectionLossException>(() => waiting.WaitAsync(Deadline));
        Assert.Equal(ZooKeeperState.Suspended, client.State);

        proxy.Restore();
        states.WaitFor(ZooKeeperState.Connected);
        Assert.NotNull(await client.ExistsAsync("/"));
    }

    [Fact]
    public async Task State_is_observable_from_connect_to_close()
    {
        var chroot = await zk.NewChrootAsync();
        var client = await ZooKeeperClient.ConnectAsync(chroot);
        Assert.Equal(ZooKeeperState.Connected, client.State);
        Assert.Equal(zk.Server.Endpoint, client.ConnectedServer);
        Assert.NotEqual(0, client.SessionId);
        Assert.True(client.SessionTimeout > TimeSpan.Zero);
        var closed = new TaskCompletionSource<ZooKeeperStateChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.StateChanged += (_, e) => closed.TrySetResult(e);
        await client.DisposeAsync();
        var e = await closed.Task.WaitAsync(Deadline);
        Assert.Equal((ZooKeeperState.Connected, ZooKeeperState.Closed), (e.Previous, e.Current));
    }

    [Fact]
    public async Task Connecting_to_nothing_fails_clearly_within_the_timeout()
    {
        var port = ZooKeeperServer.FreePort();
        var error = await Assert.ThrowsAsync<ConnectionLossException>(() =>
            ZooKeeperClient.ConnectAsync($"127.0.0.1:{port}", new() { ConnectTimeout = TimeSpan.FromSeconds(1) }));
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }
}
