using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Tests.Ceph;
using Pvc.NodeService.Tasks;
using Pvc.Testing.Ceph;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Tasks;

/// <summary>
/// vm.rename on a node against the real Ceph lab and a real ZooKeeper, where its commit's answer is lost: the handler
/// reads the VM again and keeps the volumes' new names when the commit had landed, instead of renaming them back from
/// under the keys that name them.
/// </summary>
[Collection(CephLabCollection.Name)]
public sealed class VmRenameHandlerTests(CephLabFixture fixture, ZooKeeperFixture zk) : IClassFixture<ZooKeeperFixture>
{
    [Fact]
    public async Task A_rename_whose_commit_landed_before_its_answer_was_lost_keeps_the_new_volume_names()
    {
        await using var node = await TaskHandlerNode.StartAsync(zk, fixture.Lab);
        var c = node.Cluster;
        var pool = CephLab.SharedPool;
        var old = CephLabFixture.UniqueName("rn");
        var renamed = CephLabFixture.UniqueName("rm");
        await node.Lab.RbdAsync(["create", "--size", "16M", $"{pool}/{old}_disk0"]);
        await PvcSeed.Batch(c.Raw).AddPool(pool, "8", "default").AddVolume(pool, $"{old}_disk0").CommitAsync();
        var uuid = await node.AddVmAsync(old, "hv1", "stop", $"{pool}/{old}_disk0");
        var vm = await c.Connection.Vms.ResolveAsync(old);
        var volumes = await c.Connection.Vms.PlanRenameAsync(vm, renamed);
        var task = await c.Connection.Vms.SubmitRenameAsync(vm, renamed, volumes);
        // the commit went through; its answer did not come back (a connection lost as it was sent)
        var handler = new VmRenameHandler(node.Ceph) { Committed = _ => throw new Pvc.ZooKeeper.ConnectionLossException(null, "the answer to the commit was lost") };

        var result = await handler.RunAsync(node.Context(task), default);

        Assert.Equal(renamed, result!["vm"]!.GetValue<string>());
        var images = await node.SharedPoolImagesAsync();
        Assert.Contains($"{renamed}_disk0", images);
        Assert.DoesNotContain($"{old}_disk0", images);
        var read = await c.Connection.Vms.GetAsync(uuid);
        Assert.Equal((renamed, $"{pool}/{renamed}_disk0"), (read.Name, read.Disks.Single().Source));
        Assert.NotNull(await c.Raw.ExistsAsync(CephKeys.Volume.Root($"{pool}/{renamed}_disk0")));
        await node.Lab.RbdAsync(["rm", $"{pool}/{renamed}_disk0"]);
    }
}
