using System.Text;
using Pvc.Testing.Python;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper.Recipes;

namespace Pvc.ZooKeeper.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class LockTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    private const string KazooLock = """
        import sys
        from kazoo.client import KazooClient
        from kazoo.exceptions import LockTimeout
        zk = KazooClient(hosts=sys.argv[1])
        zk.start(timeout=20)
        kind = {"lock": zk.Lock, "read": zk.ReadLock, "write": zk.WriteLock}[sys.argv[3]]
        lock = kind(sys.argv[2], "kazoo-holder")
        for command in sys.stdin:
            command = command.strip()
            if command == "acquire":
                try:
                    print("acquired" if lock.acquire(timeout=float(sys.argv[4])) else "timeout")
                except LockTimeout:
                    print("timeout")
            elif command == "release":
                lock.release()
                print("released")
            elif command == "contenders":
                print(",".join(lock.contenders()))
            elif command == "quit":
                break
        zk.stop()
        """;

    [Fact]
    public async Task Our_exclusive_locks_exclude_each_other_and_hand_over_on_release()
    {
        var chroot = await zk.NewChrootAsync();
        await using var a = await ZooKeeperClient.ConnectAsync(chroot);
        await using var b = await ZooKeeperClient.ConnectAsync(chroot);
        await a.CreateAsync("/state", Encoding.UTF8.GetBytes("start"));

        var first = new ZooKeeperLock(a, "/state", identifier: "a");
        await first.AcquireAsync(Deadline);
        Assert.True(first.IsAcquired);
        Assert.Matches(@"^/state/[0-9a-f]{32}__lock__\d{10}$", first.NodePath);
        // the lock node carries the identifier, and the data znode keeps its data
        Assert.Equal("a", Encoding.UTF8.GetString((await b.GetDataAsync(first.NodePath!)).Data));
        Assert.Equal("start", Encoding.UTF8.GetString((await b.GetDataAsync("/state")).Data));

        var second = new ZooKeeperLock(b, "/state", identifier: "b");
        Assert.False(await second.TryAcquireAsync(Short));
        await Assert.ThrowsAsync<LockTimeoutException>(() => second.AcquireAsync(Short));
        Assert.Single((await a.GetChildrenAsync("/state")).Children); // a timed-out contender leaves no node

        var waiting = second.AcquireAsync(Deadline);
        await first.ReleaseAsync();
        await waiting;
        Assert.True(second.IsAcquired);
        await second.ReleaseAsync();
        Assert.Empty((await a.GetChildrenAsync("/state")).Children);
    }

    [Fact]
    public async Task A_timeout_that_strikes_while_the_contenders_node_is_being_created_leaves_no_node_behind()
    {
        // PrimaryElection tries the coordinator lock with short timeouts: a node left by a timed-out try belongs to a
        // live session and would block every later contender, the whole cluster without a primary, for weeks
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        await client.CreateAsync("/locked", ReadOnlyMemory<byte>.Empty);
        var timedOut = 0;
        for (var i = 0; i < 300 && timedOut < 100; i++)
        {
            var attempt = new ZooKeeperLock(client, "/locked");
            if (await attempt.TryAcquireAsync(TimeSpan.FromTicks(1_000 + (i % 30) * 1_000)))
                await attempt.ReleaseAsync();
            else
                timedOut++;
        }

        Assert.True(timedOut > 0, "no try timed out: the test did not reach the case it is about");
        Assert.Empty((await client.GetChildrenAsync("/locked")).Children);
        await using var other = await ZooKeeperClient.ConnectAsync(chroot);
        var fresh = new ZooKeeperLock(other, "/locked");
        Assert.True(await fresh.TryAcquireAsync(TimeSpan.FromSeconds(5)));
        await fresh.ReleaseAsync();
    }

    [Fact]
    public async Task A_lock_holders_session_ending_releases_the_lock()
    {
        var chroot = await zk.NewChrootAsync();
        var a = await ZooKeeperClient.ConnectAsync(chroot);
        await using var b = await ZooKeeperClient.ConnectAsync(chroot);
        await new ZooKeeperLock(a, "/l").AcquireAsync(Deadline);
        var waiting = new ZooKeeperLock(b, "/l").AcquireAsync(Deadline);
        await a.CloseAsync();
        await waiting;
    }

    [Fact]
    public async Task A_release_cut_short_by_a_connection_loss_still_lets_the_lock_go_once_the_session_is_back()
    {
        var chroot = await zk.NewChrootAsync();
        await using var proxy = new Pvc.Testing.Network.TcpProxy(zk.Server.ClientPort);
        // the session outlives the cut; requests queued in it fail after half a second
        await using var holder = await ZooKeeperClient.ConnectAsync(proxy.Endpoint + chroot[chroot.IndexOf('/', StringComparison.Ordinal)..],
            new() { SessionTimeout = TimeSpan.FromSeconds(20), ReconnectWait = TimeSpan.FromMilliseconds(500) });
        await using var other = await ZooKeeperClient.ConnectAsync(chroot);
        var held = new ZooKeeperLock(holder, "/l", identifier: "holder");
        await held.AcquireAsync(Deadline);
        var suspended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        holder.StateChanged += (_, e) =>
        {
            if (e.Current == ZooKeeperState.Suspended)
                suspended.TrySetResult();
        };
        proxy.Cut();
        await suspended.Task.WaitAsync(Deadline);

        var release = held.ReleaseAsync();
        // queued after the release's delete: once it has failed with ConnectionLoss, so has the first try of the delete
        await Assert.ThrowsAsync<ConnectionLossException>(() => holder.ExistsAsync("/l").WaitAsync(Deadline));
        proxy.Restore();

        // the release ends only with the node gone (it used to fail here, having forgotten its node, which then stayed
        // for the session's whole life and with it the lock)
        await release.WaitAsync(Deadline);
        Assert.False(held.IsAcquired);
        Assert.Empty((await other.GetChildrenAsync("/l")).Children);
        await new ZooKeeperLock(other, "/l").AcquireAsync(Deadline);
    }

    [Fact]
    public async Task Read_locks_share_and_write_locks_exclude()
    {
        var chroot = await zk.NewChrootAsync();
        await using var a = await ZooKeeperClient.ConnectAsync(chroot);
        await using var b = await ZooKeeperClient.ConnectAsync(chroot);
        var r1 = new ZooKeeperLock(a, "/schema/version", LockKind.Read);
        var r2 = new ZooKeeperLock(b, "/schema/version", LockKind.Read);
        await r1.AcquireAsync(Deadline);
        await r2.AcquireAsync(Short); // readers share
        Assert.Matches(@"__rlock__\d{10}$", r2.NodePath);

        var writer = new ZooKeeperLock(a, "/schema/version", LockKind.Write);
        Assert.False(await writer.TryAcquireAsync(Short));
        var writing = writer.AcquireAsync(Deadline);
        await r1.ReleaseAsync();
        Assert.False(writing.IsCompleted);
        await r2.ReleaseAsync();
        await writing;

        // a reader waits for an earlier writer
        var r3 = new ZooKeeperLock(b, "/schema/version", LockKind.Read);
        Assert.False(await r3.TryAcquireAsync(Short));
        await writer.ReleaseAsync();
        await r3.AcquireAsync(Deadline);
    }

    [Theory]
    [InlineData("lock", LockKind.Exclusive)]
    [InlineData("write", LockKind.Write)]
    public async Task Kazoo_locks_and_ours_exclude_each_other(string kazooKind, LockKind ourKind)
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        await client.CreateAsync("/domains", ReadOnlyMemory<byte>.Empty);
        await client.CreateAsync("/domains/uuid", ReadOnlyMemory<byte>.Empty);
        await client.CreateAsync("/domains/uuid/state", Encoding.UTF8.GetBytes("start"));
        await using var kazoo = Kazoo.Start(KazooLock, chroot, "/domains/uuid/state", kazooKind, "0.5");

        // kazoo holds: we cannot
        await kazoo.WriteLineAsync("acquire");
        Assert.Equal("acquired", await kazoo.ReadLineAsync(Deadline));
        var ours = new ZooKeeperLock(client, "/domains/uuid/state", ourKind, "pvc");
        Assert.False(await ours.TryAcquireAsync(Short));
        var waiting = ours.AcquireAsync(Deadline);
        await kazoo.WriteLineAsync("release");
        Assert.Equal("released", await kazoo.ReadLineAsync(Deadline));
        await waiting;

        // we hold: kazoo cannot, and kazoo sees our node as a contender with our identifier
        await kazoo.WriteLineAsync("contenders");
        Assert.Equal("pvc", await kazoo.ReadLineAsync(Deadline));
        await kazoo.WriteLineAsync("acquire");
        Assert.Equal("timeout", await kazoo.ReadLineAsync(Deadline));
        await ours.ReleaseAsync();
        await kazoo.WriteLineAsync("acquire");
        Assert.Equal("acquired", await kazoo.ReadLineAsync(Deadline));
        await kazoo.WriteLineAsync("quit");
        await kazoo.WaitAsync(Deadline);
    }

    [Fact]
    public async Task A_kazoo_read_lock_blocks_our_write_lock_and_shares_with_our_read_lock()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        await using var kazoo = Kazoo.Start(KazooLock, chroot, "/schema/version", "read", "0.5");
        await kazoo.WriteLineAsync("acquire");
        Assert.Equal("acquired", await kazoo.ReadLineAsync(Deadline));

        var reader = new ZooKeeperLock(client, "/schema/version", LockKind.Read);
        await reader.AcquireAsync(Short);
        await reader.ReleaseAsync();
        var writer = new ZooKeeperLock(client, "/schema/version", LockKind.Write);
        Assert.False(await writer.TryAcquireAsync(Short));
        var writing = writer.AcquireAsync(Deadline);
        await kazoo.WriteLineAsync("release");
        Assert.Equal("released", await kazoo.ReadLineAsync(Deadline));
        await writing;
        await kazoo.WriteLineAsync("quit");
        await kazoo.WaitAsync(Deadline);
    }
}
