using Pvc.NodeService.Daemon;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Tests.Daemon;

public sealed class SessionLoopsTests
{
    [Fact]
    public async Task A_loop_that_ends_while_the_others_run_is_named_with_its_error()
    {
        using var stop = new CancellationTokenSource();
        var failing = new TaskCompletionSource();
        var loops = new SessionLoops();
        loops.Add("keepalive", Task.Delay(Timeout.Infinite, stop.Token));
        loops.Add("primary election", failing.Task);
        var ended = loops.WhenOneEndsAsync();
        Assert.False(ended.IsCompleted);

        failing.SetException(new ConnectionLossException("/config/primary_node"));
        var (name, error) = await ended.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("primary election", name);
        Assert.IsType<ConnectionLossException>(error);

        await stop.CancelAsync();
        await loops.WhenAllEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_loop_that_returns_counts_as_ended_too()
    {
        var loops = new SessionLoops();
        loops.Add("flush", Task.CompletedTask);
        Assert.Equal(("flush", (Exception?)null), await loops.WhenOneEndsAsync());
    }
}
