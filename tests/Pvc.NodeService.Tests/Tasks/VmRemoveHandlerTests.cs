using System.Text;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Tasks;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Tasks;

/// <summary>
/// vm.remove deletes nothing until the VM is really stopped: its state "stop" is not enough while its node still lists
/// it among its running VMs, or has not reported them since the stop; on the deadline the task fails with
/// "VmStopTimeout" and the VM and its keys stay. (A VM without RBD disks: no Ceph is needed; the Ceph run is
/// VmRemoveCmdletTests.)
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class VmRemoveHandlerTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task Nothing_is_removed_while_the_VMs_node_still_lists_it_running_and_the_removal_goes_on_once_its_node_reports_it_stopped()
    {
        await using var node = await TaskHandlerNode.StartAsync(zk, nodes: 3);
        var c = node.Cluster;
        var uuid = await node.AddVmAsync("web1", "hv2", "start");
        var running = NodeKeys.Path("hv2", NodeKeys.RunningDomains);
        await c.Raw.SetDataAsync(running, Encoding.UTF8.GetBytes(uuid.ToString()));
        var vm = await c.Connection.Vms.ResolveAsync("web1");
        var handler = new VmRemoveHandler(node.Ceph) { StopDeadline = TimeSpan.FromSeconds(2) };

        // hv2 (no node service here) never stops it: its list still has it
        var task = await c.Connection.Vms.SubmitRemoveAsync(vm, []);
        var e = await Assert.ThrowsAsync<PvcException>(() => handler.RunAsync(node.Context(task), CancellationToken.None));

        Assert.Equal((PvcErrorKind.OperationTimeout, PvcErrorIds.VmStopTimeout), (e.Kind, e.ErrorId));
        Assert.Contains("node hv2 lists it among its running VMs", e.Message, StringComparison.Ordinal);
        Assert.Contains("none of its volumes was deleted", e.Message, StringComparison.Ordinal);
        Assert.NotNull(await c.Raw.ExistsAsync(DomainKeys.Path(uuid)));
        Assert.Equal("stop", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.State)));
        await EndAsync(c, task);

        // a list without it, but written before the stop, is no proof either
        await c.Raw.SetDataAsync(running, ""u8.ToArray());
        await c.Raw.SetDataAsync(DomainKeys.Path(uuid, DomainKeys.State), "stop"u8.ToArray());
        task = await c.Connection.Vms.SubmitRemoveAsync(vm, []);
        e = await Assert.ThrowsAsync<PvcException>(() => handler.RunAsync(node.Context(task), CancellationToken.None));
        Assert.Equal(PvcErrorIds.VmStopTimeout, e.ErrorId);
        Assert.Contains("node hv2 has not reported its running VMs since it was stopped", e.Message, StringComparison.Ordinal);
        Assert.NotNull(await c.Raw.ExistsAsync(DomainKeys.Path(uuid)));
        await EndAsync(c, task);

        // hv2's keepalive reports its running VMs without it: the removal goes on
        task = await c.Connection.Vms.SubmitRemoveAsync(vm, []);
        var run = handler.RunAsync(node.Context(task), CancellationToken.None);
        // as hv2's keepalive would, every 100 ms (a list written in the same millisecond as the stop proves nothing)
        while (!run.IsCompleted)
        {
            await c.Raw.SetDataAsync(running, ""u8.ToArray());
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(100)));
        }
        var result = await run;
        Assert.Equal("web1", result!["vm"]!.GetValue<string>());
        Assert.Null(await c.Raw.ExistsAsync(DomainKeys.Path(uuid)));
    }

    [Theory]
    [InlineData("stop")]
    [InlineData("dead")]
    [InlineData("fenced")]
    public async Task A_stopped_VM_whose_node_is_down_is_removed_without_waiting_for_a_list_its_node_never_writes(string daemonState)
    {
        await using var node = await TaskHandlerNode.StartAsync(zk, nodes: 3);
        var c = node.Cluster;
        var uuid = await node.AddVmAsync("web1", "hv2", "stop");
        // hv2's service wrote its last list (without the VM) and went down: it writes no other (the task waited for one
        // and failed with VmStopTimeout)
        await c.Raw.SetDataAsync(NodeKeys.Path("hv2", NodeKeys.RunningDomains), ""u8.ToArray());
        await c.Raw.SetDataAsync(NodeKeys.Path("hv2", NodeKeys.DaemonState), Encoding.UTF8.GetBytes(daemonState));
        var vm = await c.Connection.Vms.ResolveAsync("web1");
        var handler = new VmRemoveHandler(node.Ceph) { StopDeadline = TimeSpan.FromSeconds(2) };

        var task = await c.Connection.Vms.SubmitRemoveAsync(vm, []);
        var result = await handler.RunAsync(node.Context(task), CancellationToken.None);

        Assert.Equal("web1", result!["vm"]!.GetValue<string>());
        Assert.Null(await c.Raw.ExistsAsync(DomainKeys.Path(uuid)));
    }

    [Fact]
    public async Task A_VM_its_down_nodes_last_list_still_names_is_not_taken_for_stopped()
    {
        await using var node = await TaskHandlerNode.StartAsync(zk, nodes: 3);
        var c = node.Cluster;
        var uuid = await node.AddVmAsync("web1", "hv2", "stop");
        await c.Raw.SetDataAsync(NodeKeys.Path("hv2", NodeKeys.RunningDomains), Encoding.UTF8.GetBytes(uuid.ToString()));
        await c.Raw.SetDataAsync(NodeKeys.Path("hv2", NodeKeys.DaemonState), "dead"u8.ToArray());
        var vm = await c.Connection.Vms.ResolveAsync("web1");
        var handler = new VmRemoveHandler(node.Ceph) { StopDeadline = TimeSpan.FromSeconds(1) };

        var task = await c.Connection.Vms.SubmitRemoveAsync(vm, []);
        var e = await Assert.ThrowsAsync<PvcException>(() => handler.RunAsync(node.Context(task), CancellationToken.None));

        Assert.Equal(PvcErrorIds.VmStopTimeout, e.ErrorId);
        Assert.Contains("node hv2 lists it among its running VMs", e.Message, StringComparison.Ordinal);
        Assert.NotNull(await c.Raw.ExistsAsync(DomainKeys.Path(uuid)));
    }

    // the task failed as its runner records a failure (no runner here): a next removal may be submitted
    private static async Task EndAsync(TestCluster c, Pvc.Core.Tasks.ClusterTask task) =>
        Assert.NotNull(await new Pvc.Core.Tasks.ClusterTaskHostOperations(c.Connection, "hv1").RefuseAsync(task, PvcErrorKind.OperationTimeout, PvcErrorIds.VmStopTimeout, "timed out in the test", CancellationToken.None));
}
