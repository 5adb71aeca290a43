using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class NodeOperationTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task Nodes_read_typed_without_the_IPMI_password_and_filter_like_PVC()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await c.Raw.SetDataAsync("/nodes/hv3/domainstate", "flushed"u8.ToArray());
        var ops = new NodeOperations(c.Connection);

        var all = await ops.ListAsync();
        Assert.Equal(["hv1", "hv2", "hv3"], all.Select(n => n.Name));
        var hv1 = all[0];
        Assert.Equal((NodeMode.Coordinator, NodeDaemonState.Run, CoordinatorState.Secondary, NodeDomainState.Ready), (hv1.Mode, hv1.DaemonState, hv1.CoordinatorState, hv1.DomainState));
        Assert.Equal((16, "x86_64", 32768L, 21000L), (hv1.CpuCount, hv1.Architecture, hv1.MemoryTotalMiB, hv1.MemoryFreeMiB));
        Assert.Null(hv1.Health); // PVC writes "None" when no plugin ran
        Assert.Equal("hv1-lom", hv1.IpmiHostname);
        Assert.DoesNotContain("s3cret-ipmi", hv1.ToString(), StringComparison.Ordinal);
        Assert.True(hv1.IsAvailable);

        Assert.Equal(["hv3"], (await ops.ListAsync(new NodeFilter { DomainState = NodeDomainState.Flushed })).Select(n => n.Name));
        Assert.Equal(["hv2"], (await ops.ListAsync(new NodeFilter { Limit = new LimitPattern("2") })).Select(n => n.Name));
        Assert.Equal("NodeNotFound", (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => ops.GetAsync("hv9"))).ErrorId);
    }

    [Fact]
    public async Task Flush_and_ready_write_the_domain_state_and_wait_on_a_watch()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new NodeOperations(c.Connection);
        var flushed = await ops.FlushAsync("hv1");
        Assert.Equal(NodeDomainState.Flush, flushed.DomainState);
        Assert.Equal("flush", await c.ReadAsync("/nodes/hv1/domainstate"));

        var seen = new List<NodeDomainState>();
        var watching = new TaskCompletionSource();
        var waiting = ops.WaitForDomainStateAsync("hv1", [NodeDomainState.Flushed], TimeSpan.FromSeconds(10), s =>
        {
            seen.Add(s);
            watching.TrySetResult();
        });
        await watching.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the waiter has read "flush" and set its watch
        await c.Raw.SetDataAsync("/nodes/hv1/domainstate", "flushed"u8.ToArray()); // the node finished draining
        Assert.Equal(NodeDomainState.Flushed, await waiting);
        Assert.Equal([NodeDomainState.Flush, NodeDomainState.Flushed], seen.Distinct());

        // flushing a flushed node changes nothing
        var version = (await c.Raw.ExistsAsync("/nodes/hv1/domainstate"))!.Version;
        await ops.FlushAsync("hv1");
        Assert.Equal(version, (await c.Raw.ExistsAsync("/nodes/hv1/domainstate"))!.Version);

        await ops.ReadyAsync("hv1");
        Assert.Equal("unflush", await c.ReadAsync("/nodes/hv1/domainstate"));
        await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => ops.FlushAsync("hv9"));
        await PvcAssert.ThrowsAsync(PvcErrorKind.OperationTimeout, () => ops.WaitForDomainStateAsync("hv1", [NodeDomainState.Ready], TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task A_wait_can_start_before_the_node_registers()
    {
        await using var c = await TestCluster.StartAsync(zk, nodes: 0);
        var ops = new NodeOperations(c.Connection);
        await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => ops.WaitForDomainStateAsync("hv7", [NodeDomainState.Ready], TimeSpan.FromSeconds(5)));
        var waiting = ops.WaitForDomainStateAsync("hv7", [NodeDomainState.Ready], TimeSpan.FromSeconds(20), waitForNode: true);
        await PvcSeed.AddNodeAsync(c.Raw, "hv7", domainState: "ready");
        Assert.Equal(NodeDomainState.Ready, await waiting);
    }

    [Fact]
    public async Task Primary_and_secondary_hand_over_only_between_running_coordinators()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await PvcSeed.AddNodeAsync(c.Raw, "hv4", mode: "hypervisor", routerState: "client");
        await c.Raw.SetDataAsync("/nodes/hv3/daemonstate", "stop"u8.ToArray());
        var ops = new NodeOperations(c.Connection);

        await ops.SetPrimaryAsync("hv2");
        Assert.Equal("hv2", await c.ReadAsync("/config/primary_node"));
        Assert.Equal("NotCoordinator", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.SetPrimaryAsync("hv4"))).ErrorId);
        Assert.Equal("NodeNotRunning", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.SetPrimaryAsync("hv3"))).ErrorId);
        Assert.Equal("hv2", await c.ReadAsync("/config/primary_node"));

        await c.Raw.SetDataAsync("/nodes/hv1/routerstate", "primary"u8.ToArray());
        Assert.Equal("NotPrimary", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.SetSecondaryAsync("hv1"))).ErrorId);
        await ops.SetSecondaryAsync("hv2");
        Assert.Equal("none", await c.ReadAsync("/config/primary_node"));
    }

    [Fact]
    public async Task Node_log_returns_the_last_lines()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await c.Raw.CreateAsync("/logs/hv1", ReadOnlyMemory<byte>.Empty);
        await c.Raw.CreateAsync("/logs/hv1/messages", "pvcnoded    : a\npvcnoded    : b\npvcnoded    : c"u8.ToArray());
        var ops = new NodeOperations(c.Connection);
        Assert.Equal(["pvcnoded    : b", "pvcnoded    : c"], await ops.GetLogAsync("hv1", 2));
        Assert.Empty(await ops.GetLogAsync("hv2"));
    }
}
