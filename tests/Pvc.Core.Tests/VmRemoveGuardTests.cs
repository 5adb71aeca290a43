using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>
/// While a VM's vm.remove task is Pending or Running its volumes may be deleted at any moment: no start of it is
/// accepted (Start-PvcVm's, its node's autostart at ready), nor a second removal; once the task has ended, the VM starts again (a failed removal deleted nothing).
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class VmRemoveGuardTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task A_VM_with_a_pending_removal_is_not_started_by_a_person_or_its_nodes_autostart_until_the_task_ends()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await c.Raw.SetDataAsync(BaseKeys.PrimaryNode, System.Text.Encoding.UTF8.GetBytes("hv1"));
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "db1", "hv1", state: "stop", autostart: "True");
        var ops = new VmOperations(c.Connection);
        var vm = await ops.ResolveAsync("db1");
        var stateVersion = (await c.Raw.GetDataAsync(DomainKeys.Path(uuid, DomainKeys.State))).Stat.Version;
        var task = await ops.SubmitRemoveAsync(vm, await ops.CheckRemoveAsync(vm));
        // with the task, in its transaction: the marker, and the state key rewritten (same data), so that a start that
        // read the VM before the submission fails its commit's version check
        Assert.Equal(task.Id, await c.ReadAsync(TaskKeys.VmRemoval(uuid)));
        Assert.Equal(stateVersion + 1, (await c.Raw.GetDataAsync(DomainKeys.Path(uuid, DomainKeys.State))).Stat.Version);

        var start = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.StartAsync(vm));
        var autostart = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => new VmHostOperations(c.Connection, "hv1").AutostartHereAsync(vm, CancellationToken.None));
        var again = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.SubmitRemoveAsync(vm, ["vms/db1_sda"]));

        Assert.Equal(("VmBeingRemoved", "VmBeingRemoved", "VmBeingRemoved"), (start.ErrorId, autostart.ErrorId, again.ErrorId));
        Assert.Contains($"is being removed with its volumes (task {task.Id}, pending)", start.Message, StringComparison.Ordinal);
        Assert.Equal("stop", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.State)));
        Assert.Equal("True", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.Autostart)));
        Assert.Single(await c.Connection.Tasks.ListAsync(), t => t.Kind == ClusterTaskKinds.VmRemove);

        // the task failed (its runner refused it, say): nothing was deleted, and the VM starts again
        var host = new ClusterTaskHostOperations(c.Connection, "hv1");
        var queued = await host.ReadQueuedAsync(task.Id, CancellationToken.None);
        Assert.NotNull(await host.RefuseAsync(queued!, PvcErrorKind.InvalidOperation, "Refused", "refused for the test", CancellationToken.None));
        await ops.StartAsync(vm);
        Assert.Equal("start", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.State)));
    }
    [Theory]
    [InlineData(MigrationKind.Move)]
    [InlineData(MigrationKind.Migrate)]
    public async Task A_stopped_autostart_VM_with_a_pending_removal_is_not_started_by_its_move_or_migration(MigrationKind kind)
    {
        await using var c = await TestCluster.StartAsync(zk);
        await c.Raw.SetDataAsync(BaseKeys.PrimaryNode, System.Text.Encoding.UTF8.GetBytes("hv1"));
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "parked", "hv3", state: "stop", autostart: "True");
        var ops = new VmOperations(c.Connection);
        var vm = await ops.ResolveAsync("parked");
        var task = await ops.SubmitRemoveAsync(vm, await ops.CheckRemoveAsync(vm));

        // a move to a ready node starts a stopped autostart VM there: not while its volumes may be deleted
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.MigrateAsync(vm, new MigrationRequest(kind, "hv1", Force: true)));

        Assert.Equal(PvcErrorIds.VmBeingRemoved, e.ErrorId);
        Assert.Contains($"task {task.Id}, pending", e.Message, StringComparison.Ordinal);
        Assert.Equal(("stop", "hv3", "True"), (await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.State)), await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.Node)), await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.Autostart))));
    }

    [Fact]
    public async Task A_VM_with_a_pending_removal_is_not_renamed()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await c.Raw.SetDataAsync(BaseKeys.PrimaryNode, System.Text.Encoding.UTF8.GetBytes("hv1"));
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "db1", "hv1", state: "stop");
        var ops = new VmOperations(c.Connection);
        var vm = await ops.ResolveAsync("db1");
        var task = await ops.SubmitRemoveAsync(vm, await ops.CheckRemoveAsync(vm));

        var plan = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.PlanRenameAsync(vm, "db2"));
        var rename = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.RenameAsync(vm, "db2", keepVolumeNames: true));
        // the vm.rename task's commit, after Ceph renamed the volumes: a removal submitted meanwhile fails it
        var commit = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.CommitRenameAsync(vm, "db2", [], new Dictionary<string, Pvc.Core.Storage.RbdImageSample>()));

        Assert.Equal(("VmBeingRemoved", "VmBeingRemoved", "VmBeingRemoved"), (plan.ErrorId, rename.ErrorId, commit.ErrorId));
        Assert.Contains($"task {task.Id}, pending", plan.Message, StringComparison.Ordinal);
        Assert.Equal("db1", await c.ReadAsync(DomainKeys.Path(uuid)));
    }
}
