using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;

namespace Pvc.PowerShell.Tests.Storage;

/// <summary>
/// Remove-PvcVm -DeleteVolumes (PVC's vm remove) against real Ceph: the vm.remove task on the primary stops a running
/// VM, removes its RBD volumes (with their snapshots) from Ceph, then the VM's keys and its volumes' keys in one
/// transaction; a volume another defined VM also has is refused before anything changes; -WhatIf names the volumes and
/// changes nothing; without the switch (PVC's vm undefine) the volumes stay.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class VmRemoveCmdletTests(StorageCluster cluster)
{
    private async Task<int> TaskCountAsync() => (await cluster.Connection.Tasks.ListAsync()).Count(t => t.Kind == ClusterTaskKinds.VmRemove);

    [Fact]
    public async Task DeleteVolumes_stops_the_VM_and_removes_its_volumes_and_their_snapshots_with_it_and_without_it_they_stay()
    {
        var pool = await cluster.NewPoolAsync("vmr");
        var ps = cluster.Ps;
        foreach (var v in new[] { "gone_disk0", "gone_disk1", "kept_disk0", "other" })
            ps.Run("New-PvcVolume $args[0] $args[1] 16M -Timeout 120", pool, v).ThrowIfErrors();
        ps.Run("New-PvcVolumeSnapshot $args[0] gone_disk0 before -Timeout 120", pool).ThrowIfErrors();
        var gone = await cluster.VmWithDisksAsync(pool, "vmr-gone", "gone_disk0", "gone_disk1");
        var kept = await cluster.VmWithDisksAsync(pool, "vmr-kept", "kept_disk0");
        ps.Run("Start-PvcVm vmr-gone -Wait -Timeout 60").ThrowIfErrors();
        var tasks = await TaskCountAsync();

        // -WhatIf: names the volumes; no task, nothing stopped or removed
        var whatIf = ps.Run("Remove-PvcVm vmr-gone -DeleteVolumes -WhatIf").ThrowIfErrors();
        // PvcSeed's XML has an RBD disk of its own (vms/<name>_sda, not in Ceph: the task skips it with a warning)
        Assert.True(whatIf.HostShows($"DELETE its RBD volume(s) vms/vmr-gone_sda, {pool}/gone_disk0, {pool}/gone_disk1 with their snapshots"), whatIf.HostText);
        Assert.Equal(tasks, await TaskCountAsync());
        Assert.Equal("start", System.Text.Encoding.UTF8.GetString((await cluster.Connection.ZooKeeper.GetDataAsync(DomainKeys.Schema.Path(gone.ToString(), DomainKeys.State))).Data));
        Assert.Equal(["gone_disk0", "gone_disk1", "kept_disk0", "other"], await cluster.ImagesAsync(pool));

        ps.Run("Remove-PvcVm vmr-gone -DeleteVolumes -Confirm:$false -Timeout 120").ThrowIfErrors();
        Assert.Null(await cluster.Connection.ZooKeeper.ExistsAsync(DomainKeys.Path(gone)));
        Assert.Equal(["kept_disk0", "other"], await cluster.ImagesAsync(pool));
        foreach (var v in new[] { "gone_disk0", "gone_disk1" })
        {
            Assert.Null(await cluster.Connection.ZooKeeper.ExistsAsync(CephKeys.Volume.Root($"{pool}/{v}")));
            Assert.Null(await cluster.Connection.ZooKeeper.ExistsAsync(CephKeys.Snapshot.Root($"{pool}/{v}")));
        }
        Assert.Equal(PvcErrorIds.VolumeNotFound, (await Assert.ThrowsAsync<PvcException>(() => cluster.Connection.Volumes.GetAsync(pool, "gone_disk0"))).ErrorId);
        Assert.NotNull(await cluster.Connection.Volumes.GetAsync(pool, "other"));

        // PVC's undefine: the VM goes, its disks stay
        ps.Run("Remove-PvcVm vmr-kept -Confirm:$false").ThrowIfErrors();
        Assert.Null(await cluster.Connection.ZooKeeper.ExistsAsync(DomainKeys.Path(kept)));
        Assert.Equal(["kept_disk0", "other"], await cluster.ImagesAsync(pool));
        Assert.NotNull(await cluster.Connection.Volumes.GetAsync(pool, "kept_disk0"));

        var result = ps.Run("Remove-PvcVm nosuchvm -DeleteVolumes -Confirm:$false");
        Assert.Equal("VmNotFound", result.Errors.Single().FullyQualifiedErrorId.Split(',')[0]);
        ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }

    [Fact]
    public async Task A_volume_another_VM_also_has_is_refused_before_anything_is_stopped_or_removed()
    {
        var pool = await cluster.NewPoolAsync("vmrs");
        var ps = cluster.Ps;
        foreach (var v in new[] { "own", "shared" })
            ps.Run("New-PvcVolume $args[0] $args[1] 16M -Timeout 120", pool, v).ThrowIfErrors();
        var first = await cluster.VmWithDisksAsync(pool, "vmrs-first", "own", "shared");
        var second = await cluster.VmWithDisksAsync(pool, "vmrs-second", "shared");
        var tasks = await TaskCountAsync();
        try
        {
            var result = ps.Run("Remove-PvcVm vmrs-first -DeleteVolumes -Confirm:$false -Timeout 120");
            var error = Assert.Single(result.Errors);
            Assert.Equal(PvcErrorIds.VolumeInUse, error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal(System.Management.Automation.ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
            Assert.Contains($"'{pool}/shared' is a disk of VM 'vmrs-second' as well as of VM 'vmrs-first'", error.Exception.Message, StringComparison.Ordinal);
            Assert.Equal(tasks, await TaskCountAsync());
            Assert.NotNull(await cluster.Connection.ZooKeeper.ExistsAsync(DomainKeys.Path(first)));
            Assert.NotNull(await cluster.Connection.ZooKeeper.ExistsAsync(DomainKeys.Path(second)));
            Assert.Equal(["own", "shared"], await cluster.ImagesAsync(pool));
            Assert.NotNull(await cluster.Connection.Volumes.GetAsync(pool, "own"));
            Assert.NotNull(await cluster.Connection.Volumes.GetAsync(pool, "shared"));
        }
        finally
        {
            ps.Run("Remove-PvcVm $args[0] -Confirm:$false", first.ToString());
            ps.Run("Remove-PvcVm $args[0] -Confirm:$false", second.ToString());
        }
        ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }

    [Fact]
    public async Task A_protected_snapshot_with_a_clone_is_refused_before_the_VM_is_stopped_and_one_without_clones_goes_with_its_volume()
    {
        var pool = await cluster.NewPoolAsync("vmrc");
        var ps = cluster.Ps;
        foreach (var v in new[] { "base", "plain" })
            ps.Run("New-PvcVolume $args[0] $args[1] 16M -Timeout 120", pool, v).ThrowIfErrors();
        ps.Run("New-PvcVolumeSnapshot $args[0] base gold -Timeout 120", pool).ThrowIfErrors();
        ps.Run("New-PvcVolumeSnapshot $args[0] plain keep -Timeout 120", pool).ThrowIfErrors();
        await cluster.Ceph.RbdAsync(["snap", "protect", $"{pool}/base@gold"]);
        await cluster.Ceph.RbdAsync(["snap", "protect", $"{pool}/plain@keep"]);
        await cluster.Ceph.RbdAsync(["clone", $"{pool}/base@gold", $"{pool}/child"]);
        var cloned = await cluster.VmWithDisksAsync(pool, "vmrc-cloned", "base");
        var plain = await cluster.VmWithDisksAsync(pool, "vmrc-plain", "plain");
        ps.Run("Start-PvcVm vmrc-cloned -Wait -Timeout 60").ThrowIfErrors();
        try
        {
            var result = ps.Run("Remove-PvcVm vmrc-cloned -DeleteVolumes -Confirm:$false -Timeout 60");

            var error = Assert.Single(result.Errors);
            Assert.Equal(PvcErrorIds.SnapshotHasClones, error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal(System.Management.Automation.ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
            Assert.Contains($"Volume '{pool}/base' has the protected snapshot 'gold' with the clone '{pool}/child', which depends on it; VM 'vmrc-cloned' was not stopped and nothing was removed",
                error.Exception.Message, StringComparison.Ordinal);
            Assert.Equal("start", System.Text.Encoding.UTF8.GetString((await cluster.Connection.ZooKeeper.GetDataAsync(DomainKeys.Schema.Path(cloned.ToString(), DomainKeys.State))).Data));
            Assert.Equal(["base", "child", "plain"], await cluster.ImagesAsync(pool));
            Assert.Contains("gold", await cluster.Ceph.RbdAsync(["snap", "ls", $"{pool}/base"]), StringComparison.Ordinal);

            // a protected snapshot no clone depends on is unprotected and goes with its volume
            ps.Run("Remove-PvcVm vmrc-plain -DeleteVolumes -Confirm:$false -Timeout 120").ThrowIfErrors();
            Assert.Null(await cluster.Connection.ZooKeeper.ExistsAsync(DomainKeys.Path(plain)));
            Assert.Equal(["base", "child"], await cluster.ImagesAsync(pool));
        }
        finally
        {
            ps.Run("Remove-PvcVm $args[0] -Confirm:$false", cloned.ToString());
            ps.Run("Remove-PvcVm $args[0] -Confirm:$false", plain.ToString());
        }
        ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }
}
