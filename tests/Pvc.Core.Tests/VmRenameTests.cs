using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>
/// The checks of PVC's vm rename through Core: which RBD volumes a rename renames (those the cluster records whose
/// names hold the VM's), its refusals before anything changes, and the rename of the VM alone that keeps them. The
/// rename in Ceph is in the Ceph lab (Pvc.PowerShell.Tests' VmRenameCmdletTests).
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class VmRenameTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task The_cluster_s_volumes_named_after_the_VM_are_planned_and_a_rename_in_the_keys_alone_is_refused_unless_they_keep_their_names()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        // PvcSeed's XML has the RBD disk vms/<name>_sda; db1_sda is a volume the cluster records, web1_sda is not
        await PvcSeed.Batch(c.Raw).AddPool("vms", "64", "ssd").AddVolume("vms", "db1_sda").AddVolume("vms", "db2_sda").AddVolume("vms", "other").CommitAsync();
        var db1 = await PvcSeed.AddVmAsync(c.Raw, "db1", "hv1", state: "stop");
        var web1 = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", state: "stop");
        var db = await ops.ResolveAsync("db1");

        Assert.Equal([new VolumeRename("vms", "db1_sda", "db3_sda")], await ops.PlanRenameAsync(db, "db3"));
        var before = await PvcSeed.DumpAsync(c.Raw);
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.RenameAsync(db, "db3"));
        Assert.Equal(PvcErrorIds.VmVolumesNeedRenaming, e.ErrorId);
        Assert.Contains("vms/db1_sda -> db3_sda", e.Message, StringComparison.Ordinal);
        // a new name whose volume name is taken: refused whatever the route
        Assert.Equal(PvcErrorIds.VolumeExists, (await PvcAssert.ThrowsAsync(PvcErrorKind.AlreadyExists, () => ops.PlanRenameAsync(db, "db2"))).ErrorId);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));
        // a volume another VM also has (written past Core, as PVC's tools may) is refused: its disk would point at nothing
        await c.Raw.SetDataAsync(PvcSeed.VmKey(web1, "/rbdlist"), System.Text.Encoding.UTF8.GetBytes("vms/web1_sda,vms/db1_sda"));
        Assert.Equal(PvcErrorIds.VolumeInUse, (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.PlanRenameAsync(db, "db3"))).ErrorId);
        await c.Raw.SetDataAsync(PvcSeed.VmKey(web1, "/rbdlist"), System.Text.Encoding.UTF8.GetBytes("vms/web1_sda"));

        // the VM alone: its disk keeps pointing at its volume, which keeps its name
        Assert.Equal("db3", (await ops.RenameAsync(db, "db3", keepVolumeNames: true)).Name);
        Assert.Equal("db3", await c.ReadAsync(PvcSeed.VmKey(db1, "")));
        Assert.Equal("vms/db1_sda", await c.ReadAsync(PvcSeed.VmKey(db1, "/rbdlist")));
        Assert.Contains("name='vms/db1_sda'", (await c.ReadAsync(PvcSeed.VmKey(db1, "/xml"))).Replace('"', '\''), StringComparison.Ordinal);
        Assert.NotNull(await c.Raw.ExistsAsync(CephKeys.Volume.Root("vms/db1_sda")));

        // a volume the cluster does not record (web1_sda) is not renamed: the rename in the keys goes through
        Assert.Empty(await ops.PlanRenameAsync(await ops.ResolveAsync("web1"), "web2"));
        await ops.RenameAsync(await ops.ResolveAsync("web1"), "web2");
        Assert.Equal("web2", await c.ReadAsync(PvcSeed.VmKey(web1, "")));
    }
}
