using System.Text;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;

namespace Pvc.PowerShell.Tests.Storage;

/// <summary>
/// Rename-PvcVm of a VM with RBD volumes named after it (PVC's vm rename) against real Ceph: the vm.rename task on the
/// primary renames the volumes in Ceph, then the VM's name, XML and rbdlist and the volumes' keys in one transaction;
/// a rename that fails part-way renames the volumes back; -KeepVolumeNames renames the VM alone.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class VmRenameCmdletTests(StorageCluster cluster)
{
    private async Task<string> TextAsync(string path) => Encoding.UTF8.GetString((await cluster.Connection.ZooKeeper.GetDataAsync(path)).Data);

    private async Task<int> TaskCountAsync() => (await cluster.Connection.Tasks.ListAsync()).Count(t => t.Kind == ClusterTaskKinds.VmRename);

    [Fact]
    public async Task A_VMs_volumes_named_after_it_are_renamed_with_it_in_Ceph_its_XML_and_the_keys()
    {
        var pool = await cluster.NewPoolAsync("vmn");
        var ps = cluster.Ps;
        foreach (var v in new[] { "vmn-web1_disk0", "vmn-web1_disk1", "shared_data" })
            ps.Run("New-PvcVolume $args[0] $args[1] 16M -Timeout 120", pool, v).ThrowIfErrors();
        ps.Run("New-PvcVolumeSnapshot $args[0] vmn-web1_disk0 before -Timeout 120", pool).ThrowIfErrors();
        var web = await cluster.VmWithDisksAsync(pool, "vmn-web1", "vmn-web1_disk0", "vmn-web1_disk1", "shared_data");
        var tasks = await TaskCountAsync();

        // -WhatIf names the volumes and changes nothing
        var whatIf = ps.Run("Rename-PvcVm vmn-web1 vmn-web2 -WhatIf").ThrowIfErrors();
        Assert.True(whatIf.HostShows($"{pool}/vmn-web1_disk0 -> vmn-web2_disk0, {pool}/vmn-web1_disk1 -> vmn-web2_disk1"), whatIf.HostText);
        Assert.Equal(tasks, await TaskCountAsync());

        var renamed = ps.Run("Rename-PvcVm vmn-web1 vmn-web2 -PassThru -Timeout 120").ThrowIfErrors().OutputOf<Pvc.Core.Vms.Vm>().Single();
        Assert.Equal("vmn-web2", renamed.Name);
        Assert.Equal(tasks + 1, await TaskCountAsync());
        // in Ceph, with the snapshot
        Assert.Equal(["shared_data", "vmn-web2_disk0", "vmn-web2_disk1"], await cluster.ImagesAsync(pool));
        Assert.Contains("before", await cluster.Ceph.RbdAsync(["snap", "ls", $"{pool}/vmn-web2_disk0"]), StringComparison.Ordinal);
        // in the keys: the volumes and the snapshot moved, the VM's name, XML and rbdlist follow
        Assert.NotNull(await cluster.Connection.Volumes.GetAsync(pool, "vmn-web2_disk0"));
        Assert.NotNull(await cluster.Connection.Snapshots.GetAsync(pool, "vmn-web2_disk0", "before"));
        Assert.Null(await cluster.Connection.ZooKeeper.ExistsAsync(CephKeys.Volume.Root($"{pool}/vmn-web1_disk0")));
        Assert.Null(await cluster.Connection.ZooKeeper.ExistsAsync(CephKeys.Snapshot.Root($"{pool}/vmn-web1_disk0")));
        Assert.Equal("vmn-web2", await TextAsync(DomainKeys.Path(web)));
        var xml = await TextAsync(DomainKeys.Schema.Path(web.ToString(), DomainKeys.Xml));
        Assert.Contains($"name=\"{pool}/vmn-web2_disk0\"", xml.Replace('\'', '"'), StringComparison.Ordinal);
        Assert.DoesNotContain($"{pool}/vmn-web1", xml, StringComparison.Ordinal);
        Assert.Contains("<name>vmn-web2</name>", xml, StringComparison.Ordinal);
        // the name element and the renamed disks only: PVC replaces the old name anywhere in the XML, a description too
        Assert.Contains("<description>test VM vmn-web1</description>", xml, StringComparison.Ordinal);
        // PvcSeed's own disk (vms/vmn-web1_sda) is not a volume the cluster records: it keeps its name, as the XML says
        Assert.Equal($"vms/vmn-web1_sda,{pool}/vmn-web2_disk0,{pool}/vmn-web2_disk1,{pool}/shared_data",
            await TextAsync(DomainKeys.Schema.Path(web.ToString(), DomainKeys.StorageVolumes)));

        // -KeepVolumeNames: the VM alone, no task
        ps.Run("Rename-PvcVm vmn-web2 vmn-web3 -KeepVolumeNames").ThrowIfErrors();
        Assert.Equal("vmn-web3", await TextAsync(DomainKeys.Path(web)));
        Assert.Equal(["shared_data", "vmn-web2_disk0", "vmn-web2_disk1"], await cluster.ImagesAsync(pool));
        Assert.Equal(tasks + 1, await TaskCountAsync());

        ps.Run("Remove-PvcVm $args[0] -Confirm:$false", web.ToString()).ThrowIfErrors();
        ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }

    [Fact]
    public async Task A_rename_that_fails_in_Ceph_part_way_renames_the_volumes_back_and_leaves_the_VM_as_it_was()
    {
        var pool = await cluster.NewPoolAsync("vmf");
        var ps = cluster.Ps;
        foreach (var v in new[] { "vmf-a_disk0", "vmf-a_disk1" })
            ps.Run("New-PvcVolume $args[0] $args[1] 16M -Timeout 120", pool, v).ThrowIfErrors();
        var vm = await cluster.VmWithDisksAsync(pool, "vmf-a", "vmf-a_disk0", "vmf-a_disk1");
        var xmlBefore = await TextAsync(DomainKeys.Schema.Path(vm.ToString(), DomainKeys.Xml));
        // an image the cluster does not record takes the second volume's new name in Ceph: rbd rename fails there
        await cluster.Ceph.RbdAsync(["create", "--size", "16M", $"{pool}/vmf-b_disk1"]);

        var result = ps.Run("Rename-PvcVm vmf-a vmf-b -Timeout 120");
        var error = Assert.Single(result.Errors);
        Assert.Equal(PvcErrorIds.VolumeExists, error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(["vmf-a_disk0", "vmf-a_disk1", "vmf-b_disk1"], await cluster.ImagesAsync(pool));
        Assert.Equal("vmf-a", await TextAsync(DomainKeys.Path(vm)));
        Assert.Equal(xmlBefore, await TextAsync(DomainKeys.Schema.Path(vm.ToString(), DomainKeys.Xml)));
        Assert.NotNull(await cluster.Connection.Volumes.GetAsync(pool, "vmf-a_disk0"));

        // a new volume name the cluster records is refused before any task
        ps.Run("New-PvcVolume $args[0] vmf-c_disk0 16M -Timeout 120", pool).ThrowIfErrors();
        var tasks = await TaskCountAsync();
        var refused = Assert.Single(ps.Run("Rename-PvcVm vmf-a vmf-c -Timeout 120").Errors);
        Assert.Equal(PvcErrorIds.VolumeExists, refused.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(System.Management.Automation.ErrorCategory.ResourceExists, refused.CategoryInfo.Category);
        Assert.Equal(tasks, await TaskCountAsync());

        await cluster.Ceph.RbdAsync(["rm", $"{pool}/vmf-b_disk1"]);
        ps.Run("Remove-PvcVm $args[0] -Confirm:$false", vm.ToString()).ThrowIfErrors();
        ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }
}
