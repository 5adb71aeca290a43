using System.Text;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.NodeService.Libvirt;
using Pvc.NodeService.Tasks;
using Pvc.NodeService.Tests.Libvirt;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Tasks;

/// <summary>
/// Review of 2026-12-03: a live change's deadline was the client's clock, compared on the node with the node's: a
/// node 40 s behind made a change its client had stopped waiting for (the running VM got it, the stored XML never
/// did). The node's runner here runs on a clock 40 s behind; the deadline is now measured on ZooKeeper's clock (the
/// task znode's creation time to the time of the node's own write when the change's turn comes).
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class LiveChangeClockTests(ZooKeeperFixture zk) : IDisposable
{
    private readonly TestDriverHost host = new();

    public void Dispose() => host.Dispose();

    /// <summary>A clock <paramref name="offset"/> off the system's.</summary>
    private sealed class SkewedTime(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + offset;
    }

    [Fact]
    public async Task A_node_whose_clock_is_40_s_behind_does_not_make_a_live_change_after_its_deadline()
    {
        await using var c = await TestCluster.StartAsync(zk);
        using var hypervisor = new Hypervisor(host.Uri, new DomainXmlAdapter(new DomainXmlAdapterOptions { DomainTypeOverride = "test" }));
        var uuid = Guid.NewGuid();
        hypervisor.Start(PvcSeed.Xml(uuid, "clock1", memoryMiB: 1024));
        var before = hypervisor.Info(uuid)!.MemoryKiB;

        // a change allowed 1 s from its submission, which reaches the node 2 s later (by ZooKeeper's clock)
        var change = new VmLiveChange { Kind = VmLiveChangeKind.SetMemory, Vm = uuid, MemoryMiB = 512, NotAfter = DateTimeOffset.UtcNow.AddSeconds(1) };
        var task = await c.Connection.Tasks.SubmitAsync(ClusterTaskKinds.VmLiveChange, change.ToArguments(), "hv1");
        var created = (await c.Raw.ExistsAsync(TaskKeys.Item(task.Id)))!.CreatedTime;
        await WaitZooKeeperClockAsync(c, created + 2000);

        using var stop = new CancellationTokenSource();
        var runner = new ClusterTaskRunner(c.Connection, "hv1", [new VmLiveChangeHandler(new SkewedTime(TimeSpan.FromSeconds(-40)))], null, new LineLogger(), hypervisor).RunAsync(stop.Token);
        try
        {
            var e = await PvcAssert.ThrowsAsync(PvcErrorKind.OperationTimeout, () => c.Connection.Tasks.WaitAsync(task.Id, null, TaskWatch.Deadline));
            Assert.Equal(PvcErrorIds.LiveChangeExpired, e.ErrorId);
            Assert.Equal(before, hypervisor.Info(uuid)!.MemoryKiB);

            // one in time is made, on the same skewed node
            var timely = await c.Connection.Tasks.SubmitAsync(ClusterTaskKinds.VmLiveChange,
                (change with { NotAfter = DateTimeOffset.UtcNow.AddSeconds(60) }).ToArguments(), "hv1");
            await c.Connection.Tasks.WaitAsync(timely.Id, null, TaskWatch.Deadline);
            Assert.Equal(512UL * 1024, hypervisor.Info(uuid)!.MemoryKiB);
        }
        finally
        {
            await stop.CancelAsync();
            await runner.ContinueWith(_ => { }, TaskScheduler.Default);
            hypervisor.Destroy(uuid);
        }
    }

    /// <summary>Waits (a write every 100 ms, a 30 s limit) until a write's ZooKeeper time is past <paramref name="millis"/>.</summary>
    private static async Task WaitZooKeeperClockAsync(TestCluster c, long millis)
    {
        var scratch = "/clock-probe";
        try
        {
            await c.Raw.CreateAsync(scratch, Encoding.UTF8.GetBytes("0"));
        }
        catch (Pvc.ZooKeeper.NodeExistsException)
        {
        }
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await c.Raw.SetDataAsync(scratch, Encoding.UTF8.GetBytes("1"))).ModifiedTime <= millis)
        {
            Assert.True(DateTime.UtcNow < until, "ZooKeeper's clock did not advance");
            await Task.Delay(100);
        }
    }
}
