using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.Testing.Ceph;
using Pvc.Testing.Pvc;

namespace Pvc.PowerShell.Tests.Storage;

/// <summary>
/// The storage cmdlets against real Ceph: each change runs as a cluster task on the primary's node service, and what
/// Ceph and ZooKeeper hold afterwards is read back from both; each refusal is an ErrorRecord with its ErrorId.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class StorageCmdletTests(StorageCluster cluster)
{
    private static string ErrorId(System.Management.Automation.ErrorRecord e) => e.FullyQualifiedErrorId.Split(',')[0];

    private string Refused(string script, params object[] args)
    {
        var result = cluster.Ps.Run(script, args);
        Assert.True(result.Errors.Count == 1, $"expected one error from '{script}', got {result.Errors.Count}: {string.Join("; ", result.Errors)}");
        return ErrorId(result.Errors[0]);
    }

    [Fact]
    public async Task A_pool_is_made_as_PVC_makes_it_its_placement_groups_changed_and_it_is_removed()
    {
        var pool = await cluster.NewPoolAsync();
        Assert.Contains(pool, JsonSerializer.Deserialize<string[]>(await cluster.Ceph.CephAsync(["osd", "pool", "ls", "--format", "json"]))!);
        Assert.Contains("\"size\":1", (await cluster.Ceph.CephAsync(["osd", "pool", "get", pool, "size", "--format", "json"])).Replace(" ", ""), StringComparison.Ordinal);
        Assert.Contains("rbd", await cluster.Ceph.CephAsync(["osd", "pool", "application", "get", pool]), StringComparison.Ordinal);
        var recorded = await cluster.Connection.Pools.GetAsync(pool);
        Assert.Equal((8, PoolTier.Default), (recorded.Pgs, recorded.Tier));

        var set = cluster.Ps.Run("Set-PvcPool $args[0] 16 -Confirm:$false -Timeout 120", pool).ThrowIfErrors().OutputOf<Pool>().Single();
        Assert.Equal(16, set.Pgs);
        // Ceph's manager walks pg_num to its new target: the target is what was set
        await CephLab.WaitUntilAsync(async ct =>
        {
            using var detail = JsonDocument.Parse(await cluster.Ceph.CephAsync(["osd", "pool", "ls", "detail", "--format", "json"], ct));
            var p = detail.RootElement.EnumerateArray().Single(e => e.GetProperty("pool_name").GetString() == pool);
            return (p.TryGetProperty("pg_num_target", out var t) ? t : p.GetProperty("pg_num")).GetInt32() == 16;
        }, TimeSpan.FromSeconds(60), "pg_num set to 16 in Ceph");

        Assert.Equal("PoolExists", Refused("New-PvcPool $args[0] 8", pool));
        Assert.Equal("InvalidPlacementGroups", Refused("New-PvcPool newpool 10"));
        Assert.Equal("InvalidPoolName", Refused("New-PvcPool '-bad' 8"));
        Assert.Equal("InvalidReplication", Refused("New-PvcPool newpool 8 -Replication copies=1"));
        Assert.Equal("PoolNotFound", Refused("Remove-PvcPool nosuchpool -Confirm:$false"));

        // -WhatIf changes nothing
        cluster.Ps.Run("Remove-PvcPool $args[0] -WhatIf", pool).ThrowIfErrors();
        Assert.NotNull(await cluster.Connection.Pools.GetAsync(pool));

        cluster.Ps.Run("Remove-PvcPool $args[0] -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
        Assert.DoesNotContain(pool, JsonSerializer.Deserialize<string[]>(await cluster.Ceph.CephAsync(["osd", "pool", "ls", "--format", "json"]))!);
        Assert.Equal(PvcErrorIds.PoolNotFound, (await Assert.ThrowsAsync<PvcException>(() => cluster.Connection.Pools.GetAsync(pool))).ErrorId);
        Assert.Null(await cluster.Connection.ZooKeeper.ExistsAsync(CephKeys.Volume.Root(pool)));
    }

    [Fact]
    public async Task A_tiered_pool_gets_PVCs_crush_rule_for_its_device_class()
    {
        var pool = CephLabFixture.UniqueName("tier");
        var made = cluster.Ps.Run("New-PvcPool $args[0] 8 -Tier Hdd -Replication copies=1,mincopies=1 -Timeout 120", pool).ThrowIfErrors().OutputOf<Pool>().Single();
        Assert.Equal(PoolTier.Hdd, made.Tier);
        Assert.Contains("hdd_tier", await cluster.Ceph.CephAsync(["osd", "pool", "get", pool, "crush_rule"]), StringComparison.Ordinal);
        cluster.Ps.Run("Remove-PvcPool $args[0] -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }

    [Fact]
    public async Task Volumes_are_made_resized_renamed_copied_and_removed_in_Ceph_and_the_cluster_alike()
    {
        var pool = await cluster.NewPoolAsync();
        var ps = cluster.Ps;
        var made = ps.Run("New-PvcVolume $args[0] disk0 1GB -Timeout 120", pool).ThrowIfErrors().OutputOf<Volume>().Single();
        Assert.Equal(1L << 30, made.Stats!.SizeBytes);
        Assert.Equal(1L << 30, RbdSize(await cluster.Ceph.RbdAsync(["info", "--format", "json", $"{pool}/disk0"])));
        // PVC's units as text
        Assert.Equal(512L << 20, ps.Run("New-PvcVolume $args[0] disk1 512M -Timeout 120", pool).ThrowIfErrors().OutputOf<Volume>().Single().Stats!.SizeBytes);

        var grown = ps.Run("Resize-PvcVolume $args[0] disk0 '2G' -Confirm:$false -Timeout 120", pool).ThrowIfErrors().OutputOf<Volume>().Single();
        Assert.Equal(2L << 30, grown.Stats!.SizeBytes);
        Assert.Equal(2L << 30, RbdSize(await cluster.Ceph.RbdAsync(["info", "--format", "json", $"{pool}/disk0"])));
        Assert.Equal("VolumeShrinkRefused", Refused("Resize-PvcVolume $args[0] disk0 1GB -Confirm:$false", pool));

        var renamed = ps.Run("Get-PvcVolume disk1 -Pool $args[0] | Rename-PvcVolume -NewName data1 -Confirm:$false -Timeout 120", pool).ThrowIfErrors().OutputOf<Volume>().Single();
        Assert.Equal("data1", renamed.Name);
        var images = JsonSerializer.Deserialize<string[]>(await cluster.Ceph.RbdAsync(["ls", "--format", "json", pool]))!;
        Assert.Equal(["data1", "disk0"], images.Order(StringComparer.Ordinal));

        var copy = ps.Run("Copy-PvcVolume $args[0] disk0 disk0-copy -Timeout 120", pool).ThrowIfErrors().OutputOf<Volume>().Single();
        Assert.Equal(2L << 30, copy.Stats!.SizeBytes);
        Assert.Equal(["data1", "disk0", "disk0-copy"], ps.Run("Get-PvcVolume -Pool $args[0] | ForEach-Object Name", pool).OutputOf<string>());

        Assert.Equal("VolumeExists", Refused("New-PvcVolume $args[0] disk0 1GB", pool));
        Assert.Equal("InvalidVolumeName", Refused("New-PvcVolume $args[0] 'a/b' 1GB", pool));
        Assert.Equal("PoolNotFound", Refused("New-PvcVolume nosuchpool v 1GB"));
        Assert.Equal("VolumeNotFound", Refused("Remove-PvcVolume $args[0] nosuch -Confirm:$false", pool));
        // a size that is not one is refused while binding
        Assert.StartsWith("ParameterArgumentTransformationError", Refused("New-PvcVolume $args[0] v '10 apples'", pool), StringComparison.Ordinal);

        // a pool with volumes needs -Force, and takes them with it
        Assert.Equal("PoolNotEmpty", Refused("Remove-PvcPool $args[0] -Confirm:$false", pool));
        ps.Run("Get-PvcVolume -Pool $args[0] | Remove-PvcVolume -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
        Assert.Empty(JsonSerializer.Deserialize<string[]>(await cluster.Ceph.RbdAsync(["ls", "--format", "json", pool]))!);
        Assert.Empty(await cluster.Connection.Volumes.ListAsync(pool));
        ps.Run("New-PvcVolume $args[0] last 1GB -Timeout 120", pool).ThrowIfErrors();
        ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
        Assert.DoesNotContain(pool, JsonSerializer.Deserialize<string[]>(await cluster.Ceph.CephAsync(["osd", "pool", "ls", "--format", "json"]))!);
    }

    [Fact]
    public async Task A_volume_is_refused_above_the_pools_free_space_and_above_80_percent_unless_forced()
    {
        var pool = await cluster.NewPoolAsync();
        var stats = (await cluster.Connection.Pools.GetAsync(pool)).Stats!;
        var free = stats.FreeBytes!.Value;
        var stored = stats.StoredBytes ?? 0;
        var nearlyAll = (long)((stored + free) * 0.9) - stored;
        Assert.Equal("VolumeTooLarge", Refused("New-PvcVolume $args[0] huge $args[1] -Force", pool, free + (1L << 30)));
        Assert.Equal("PoolNearlyFull", Refused("New-PvcVolume $args[0] big $args[1]", pool, nearlyAll));
        Assert.Empty(JsonSerializer.Deserialize<string[]>(await cluster.Ceph.RbdAsync(["ls", "--format", "json", pool]))!);
        // thin: the image takes no space until written
        cluster.Ps.Run("New-PvcVolume $args[0] big $args[1] -Force -Timeout 120", pool, nearlyAll).ThrowIfErrors();
        Assert.Equal(nearlyAll, RbdSize(await cluster.Ceph.RbdAsync(["info", "--format", "json", $"{pool}/big"])));
        cluster.Ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }

    [Fact]
    public async Task A_volume_a_VM_has_as_its_disk_is_not_removed_or_renamed()
    {
        var pool = await cluster.NewPoolAsync();
        cluster.Ps.Run("New-PvcVolume $args[0] vmdisk 1GB -Timeout 120", pool).ThrowIfErrors();
        var id = Guid.NewGuid();
        var xml = XDocument.Parse(PvcSeed.Xml(id, "withdisk"));
        xml.Root!.Element("devices")!.Add(new XElement("disk", new XAttribute("type", "network"), new XAttribute("device", "disk"),
            new XElement("source", new XAttribute("protocol", "rbd"), new XAttribute("name", $"{pool}/vmdisk")), new XElement("target", new XAttribute("dev", "sdb"))));
        await PvcSeed.AddVmAsync(cluster.Connection.ZooKeeper, "withdisk", "hv1", state: "stop", uuid: id, xml: xml.ToString());
        try
        {
            Assert.Equal("VolumeInUse", Refused("Remove-PvcVolume $args[0] vmdisk -Confirm:$false", pool));
            Assert.Equal("VolumeInUse", Refused("Rename-PvcVolume $args[0] vmdisk other -Confirm:$false", pool));
            Assert.Contains("vmdisk", JsonSerializer.Deserialize<string[]>(await cluster.Ceph.RbdAsync(["ls", "--format", "json", pool]))!);
        }
        finally
        {
            cluster.Ps.Run("Remove-PvcVm $args[0] -Confirm:$false", id.ToString());
        }
        cluster.Ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }

    [Fact]
    public async Task A_running_VMs_volume_grows_and_its_keys_say_so_when_libvirt_cannot_resize_the_guests_disk()
    {
        // review of 2026-12-03: a block resize libvirt refused (here the test driver, which has none) failed the task
        // after Ceph had grown the image, and the volume's keys kept the old size
        var pool = await cluster.NewPoolAsync();
        cluster.Ps.Run("New-PvcVolume $args[0] livedisk 64M -Timeout 120", pool).ThrowIfErrors();
        var id = Guid.NewGuid();
        var xml = XDocument.Parse(PvcSeed.Xml(id, "livedisk-vm"));
        xml.Root!.Element("devices")!.Add(new XElement("disk", new XAttribute("type", "network"), new XAttribute("device", "disk"),
            new XElement("source", new XAttribute("protocol", "rbd"), new XAttribute("name", $"{pool}/livedisk")), new XElement("target", new XAttribute("dev", "sdb"))));
        await PvcSeed.AddVmAsync(cluster.Connection.ZooKeeper, "livedisk-vm", "hv1", state: "stop", uuid: id, xml: xml.ToString());
        try
        {
            cluster.Ps.Run("Start-PvcVm $args[0] -Wait -Timeout 60", id.ToString()).ThrowIfErrors();
            var grown = cluster.Ps.Run("Resize-PvcVolume $args[0] livedisk 96M -Confirm:$false -Timeout 120", pool).ThrowIfErrors().OutputOf<Volume>().Single();
            Assert.Equal(96L << 20, grown.Stats!.SizeBytes);
            Assert.Equal(96L << 20, RbdSize(await cluster.Ceph.RbdAsync(["info", "--format", "json", $"{pool}/livedisk"])));
            Assert.Equal(96L << 20, (await cluster.Connection.Volumes.GetAsync(pool, "livedisk")).Stats!.SizeBytes);
        }
        finally
        {
            cluster.Ps.Run("Remove-PvcVm $args[0] -Confirm:$false", id.ToString());
        }
        cluster.Ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }

    [Fact]
    public async Task A_pool_whose_images_the_cluster_does_not_record_is_not_removed_without_force_or_while_a_VM_has_one()
    {
        // rev14 P2-6: only ZooKeeper's volume count was checked, so a pool of images made outside Pvc counted as empty
        var pool = await cluster.NewPoolAsync();
        await cluster.Ceph.RbdAsync(["create", "--size", "64M", $"{pool}/x"]);
        var id = Guid.NewGuid();
        var xml = XDocument.Parse(PvcSeed.Xml(id, "unrecorded"));
        xml.Root!.Element("devices")!.Add(new XElement("disk", new XAttribute("type", "network"), new XAttribute("device", "disk"),
            new XElement("source", new XAttribute("protocol", "rbd"), new XAttribute("name", $"{pool}/x")), new XElement("target", new XAttribute("dev", "sdb"))));
        await PvcSeed.AddVmAsync(cluster.Connection.ZooKeeper, "unrecorded", "hv1", state: "stop", uuid: id, xml: xml.ToString());
        try
        {
            Assert.Equal("VolumeInUse", Refused("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool));
        }
        finally
        {
            cluster.Ps.Run("Remove-PvcVm $args[0] -Confirm:$false", id.ToString());
        }
        Assert.Equal("PoolNotEmpty", Refused("Remove-PvcPool $args[0] -Confirm:$false -Timeout 120", pool));
        Assert.Contains("x", JsonSerializer.Deserialize<string[]>(await cluster.Ceph.RbdAsync(["ls", "--format", "json", pool]))!);
        Assert.Equal(pool, (await cluster.Connection.Pools.GetAsync(pool)).Name);
        cluster.Ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }

    [Fact]
    public async Task Snapshots_are_taken_renamed_rolled_back_to_and_removed()
    {
        var pool = await cluster.NewPoolAsync();
        var ps = cluster.Ps;
        ps.Run("New-PvcVolume $args[0] data 64MB -Timeout 120", pool).ThrowIfErrors();
        var snap = ps.Run("New-PvcVolumeSnapshot $args[0] data before -Timeout 120", pool).ThrowIfErrors().OutputOf<Snapshot>().Single();
        Assert.Equal(64L << 20, snap.Stats!.SizeBytes);
        Assert.Equal(1, (await cluster.Connection.Volumes.GetAsync(pool, "data")).Stats!.SnapshotCount);
        Assert.Equal("SnapshotExists", Refused("New-PvcVolumeSnapshot $args[0] data before", pool));

        // written after the snapshot: the rollback takes it away again
        await cluster.Ceph.RbdAsync(["bench", "--io-type", "write", "--io-size", "4M", "--io-total", "8M", $"{pool}/data"]);
        Assert.True(UsedBytes(await cluster.Ceph.RbdAsync(["du", "--format", "json", $"{pool}/data"])) > 0);
        ps.Run("Get-PvcVolumeSnapshot before -Pool $args[0] | Restore-PvcVolumeSnapshot -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
        Assert.Equal(0, UsedBytes(await cluster.Ceph.RbdAsync(["du", "--format", "json", $"{pool}/data"])));

        var renamed = ps.Run("Rename-PvcVolumeSnapshot $args[0] data before first -Confirm:$false -Timeout 120", pool).ThrowIfErrors().OutputOf<Snapshot>().Single();
        Assert.Equal("first", renamed.Name);
        Assert.Equal(["first"], ps.Run("Get-PvcVolumeSnapshot -Pool $args[0] -Volume data | ForEach-Object Name", pool).OutputOf<string>());
        Assert.Contains("first", await cluster.Ceph.RbdAsync(["snap", "ls", $"{pool}/data"]), StringComparison.Ordinal);

        Assert.Equal("SnapshotNotFound", Refused("Remove-PvcVolumeSnapshot $args[0] data before -Confirm:$false", pool));
        ps.Run("Remove-PvcVolumeSnapshot $args[0] data first -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
        Assert.Empty(await cluster.Connection.Snapshots.ListAsync(pool, "data"));
        Assert.Equal(0, (await cluster.Connection.Volumes.GetAsync(pool, "data")).Stats!.SnapshotCount);
        Assert.DoesNotContain("first", await cluster.Ceph.RbdAsync(["snap", "ls", $"{pool}/data"]), StringComparison.Ordinal);
        cluster.Ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }

    [Fact]
    public async Task The_node_checks_a_tasks_arguments_again_before_anything_reaches_Ceph()
    {
        // a task written straight into ZooKeeper (not by the cmdlets) with a name that would be an option to a tool
        var task = await cluster.Connection.Tasks.SubmitAsync(ClusterTaskKinds.VolumeAdd, new JsonObject { ["pool"] = "--all", ["volume"] = "v", ["size"] = 1024 });
        var failed = await Assert.ThrowsAsync<PvcException>(() => cluster.Connection.Tasks.WaitAsync(task.Id, null, TimeSpan.FromSeconds(60)));
        Assert.Equal("InvalidPoolName", failed.ErrorId);
        var missing = await cluster.Connection.Tasks.SubmitAsync(ClusterTaskKinds.SnapshotAdd, new JsonObject { ["pool"] = "rbd", ["volume"] = "v" });
        Assert.Equal(PvcErrorIds.InvalidTaskArguments,
            (await Assert.ThrowsAsync<PvcException>(() => cluster.Connection.Tasks.WaitAsync(missing.Id, null, TimeSpan.FromSeconds(60)))).ErrorId);
    }

    [Fact]
    public async Task Storage_status_and_health_show_what_the_primary_reported_and_pool_and_volume_names_complete()
    {
        var pool = await cluster.NewPoolAsync("cpl");
        var status = cluster.Ps.Run("Get-PvcStorageStatus").ThrowIfErrors().OutputOf<StorageStatus>().Single();
        Assert.Equal(StorageHealthStatus.Ok, status.Health);
        Assert.Contains(cluster.Ceph.Fsid.ToString(), status.Status, StringComparison.Ordinal);
        Assert.Contains("--- POOLS ---", status.Utilization, StringComparison.Ordinal);
        Assert.Equal(StorageHealthStatus.Ok, cluster.Ps.Run("(Get-PvcCluster).StorageHealth").OutputOf<StorageHealthStatus>().Single());

        cluster.Ps.Run("New-PvcVolume $args[0] complete-me 1GB -Timeout 120", pool).ThrowIfErrors();
        var pools = cluster.Ps.Run("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches.CompletionText", "New-PvcVolume -Pool cpl").OutputOf<string>();
        Assert.Contains(pool, pools);
        var line = $"Remove-PvcVolume -Pool {pool} -Name compl";
        var volumes = cluster.Ps.Run("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches.CompletionText", line).OutputOf<string>();
        Assert.Equal(["complete-me"], volumes);
        cluster.Ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }

    private static long RbdSize(string infoJson)
    {
        using var doc = JsonDocument.Parse(infoJson);
        return doc.RootElement.GetProperty("size").GetInt64();
    }

    private static long UsedBytes(string duJson)
    {
        using var doc = JsonDocument.Parse(duJson);
        return doc.RootElement.GetProperty("images").EnumerateArray().Where(i => !i.TryGetProperty("snapshot", out _)).Sum(i => i.GetProperty("used_size").GetInt64());
    }
}
