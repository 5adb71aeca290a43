using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>
/// A VM's removal with its volumes deletes only the volumes a person confirmed: the task carries them, and a VM whose
/// volumes differ (a disk added or removed since the question) is refused before anything is stopped or deleted, both at
/// submission and by the check the primary's vm.remove handler runs first (its Ceph run is in VmRemoveCmdletTests).
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class VmRemoveConfirmTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task A_removal_whose_confirmed_volumes_differ_from_the_VMs_is_refused_and_changes_nothing()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await c.Raw.SetDataAsync(BaseKeys.PrimaryNode, System.Text.Encoding.UTF8.GetBytes("hv1"));
        await PvcSeed.Batch(c.Raw).AddPool("vms", "64", "ssd").AddVolume("vms", "db1_sda").AddVolume("vms", "db1_data").CommitAsync();
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "db1", "hv1", state: "start");
        var ops = new VmOperations(c.Connection);
        var vm = await ops.ResolveAsync("db1");
        var confirmed = await ops.CheckRemoveAsync(vm);
        Assert.Equal(["vms/db1_sda"], confirmed);
        // a disk added after the question was answered
        await ops.AddVolumeAsync(vm, "vms/db1_data", live: false);
        var tasksBefore = (await c.Connection.Tasks.ListAsync()).Count;

        var handlerCheck = await PvcAssert.ThrowsAsync(PvcErrorKind.WriteConflict, () => ops.CheckRemoveConfirmedAsync(vm, confirmed));
        var submit = await PvcAssert.ThrowsAsync(PvcErrorKind.WriteConflict, () => ops.SubmitRemoveAsync(vm, confirmed));

        Assert.Equal(("VmChangedMeanwhile", "VmChangedMeanwhile"), (handlerCheck.ErrorId, submit.ErrorId));
        Assert.Contains("vms/db1_sda, vms/db1_data now, not vms/db1_sda as confirmed", handlerCheck.Message, StringComparison.Ordinal);
        Assert.Equal(tasksBefore, (await c.Connection.Tasks.ListAsync()).Count);
        Assert.Equal("start", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.State)));
        // the volumes it has now, in any order, pass, and the task carries them
        Assert.Equal(["vms/db1_sda", "vms/db1_data"], await ops.CheckRemoveConfirmedAsync(vm, ["vms/db1_data", "vms/db1_sda"]));
        var task = await ops.SubmitRemoveAsync(vm, ["vms/db1_data", "vms/db1_sda"]);
        Assert.Equal("""["vms/db1_sda","vms/db1_data"]""", task.Arguments[VmOperations.RemoveVolumesArgument]!.ToJsonString());
    }
}
