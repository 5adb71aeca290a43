using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class StorageReaderTests(ZooKeeperFixture zk)
{
    private async Task<ClusterConnection> ConnectSeededAsync()
    {
        var chroot = await zk.NewChrootAsync();
        await using (var client = await ZooKeeperClient.ConnectAsync(chroot))
        {
            var seed = PvcSeed.Batch(client).AddStorageBase()
                .AddOsd(0, "hv1", "/dev/sdb", "osd-db/osd-0", "False", PvcSeed.ReportedOsdStats,
                    osdFsid: "5a3c1b2e-7d4f-4e6a-9b8c-1d2e3f4a5b6c", clusterFsid: "0b7d8e9f-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
                    vg: "ceph-5a3c1b2e", lv: "osd-block-5a3c1b2e")
                .AddOsd(1, "hv2", "/dev/nvme0n1", "", "True", PvcSeed.PlaceholderOsdStats)
                .AddOsd(10, "hv3", "/dev/sdc", "", "False", "{not json")
                .Lock("/ceph/osds")
                .Lock("/ceph/osds/0/stats", 7)
                .AddPool("vms", "64", "ssd", PvcSeed.PoolStats(2))
                .AddPool("backup", "32", "hdd", PvcSeed.PoolStats(1))
                .AddPool("fresh", "None", "None")
                .Lock("/ceph/pools")
                .AddVolume("vms", "vm1_disk0", PvcSeed.VolumeInfo("vm1_disk0", snapshots: 2))
                .AddVolume("vms", "vm2_disk0", "")
                .AddVolume("backup", "vm1_disk0", "rbd: error opening image")
                .Lock("/ceph/volumes/vms")
                .AddSnapshot("vms", "vm1_disk0", "snap1")
                .AddSnapshot("vms", "vm1_disk0", "daily", "")
                .AddSnapshot("backup", "vm1_disk0", "daily")
                .Lock("/ceph/snapshots/vms/vm1_disk0", read: true);
            await seed.CommitAsync();
        }
        return await ClusterConnection.ConnectAsync(new() { Servers = [chroot] });
    }

    [Fact]
    public async Task Lists_osds_with_their_stats_placeholder_and_bad_json_included()
    {
        await using var c = await ConnectSeededAsync();
        var osds = await c.Osds.ListAsync();
        Assert.Equal([0, 1, 10], osds.Select(o => o.Id));

        var reported = osds[0];
        Assert.Equal("hv1", reported.Node);
        Assert.Equal("/dev/sdb", reported.Device);
        Assert.Equal("osd-db/osd-0", reported.DbDevice);
        Assert.False(reported.IsSplit);
        Assert.Equal(Guid.Parse("5a3c1b2e-7d4f-4e6a-9b8c-1d2e3f4a5b6c"), reported.Fsid);
        Assert.Equal(Guid.Parse("0b7d8e9f-1a2b-4c3d-8e4f-5a6b7c8d9e0f"), reported.ClusterFsid);
        Assert.Equal("ceph-5a3c1b2e", reported.LvmVolumeGroup);
        Assert.Equal("osd-block-5a3c1b2e", reported.LvmLogicalVolume);
        var s = Assert.IsType<OsdStats>(reported.Stats);
        Assert.False(s.IsPlaceholder);
        Assert.Equal(Guid.Parse("5a3c1b2e-7d4f-4e6a-9b8c-1d2e3f4a5b6c"), s.Uuid);
        Assert.True(s.Up);
        Assert.True(s.In);
        Assert.Equal(1.0, s.PrimaryAffinity);
        Assert.Equal(1.0762, s.Utilization);
        Assert.Equal(0.98, s.Variance);
        Assert.Equal(33, s.PlacementGroups);
        Assert.Equal(976748544, s.SizeKiB);
        Assert.Equal(10512384, s.UsedKiB);
        Assert.Equal(9437184, s.UsedDataKiB);
        Assert.Equal(2, s.UsedOmapKiB);
        Assert.Equal(1075198, s.UsedMetaKiB);
        Assert.Equal(966236160, s.AvailableKiB);
        Assert.Equal(0.9097, s.Weight);
        Assert.Equal(1.0, s.Reweight);
        Assert.Equal("ssd", s.DeviceClass);
        Assert.Equal("hv1", s.Node);
        Assert.Equal("10.0G", s.Used);
        Assert.Equal("921G", s.Available);
        Assert.Equal("12", s.WriteOps);
        Assert.Equal("1430k", s.WriteData);
        Assert.Equal(["exists", "up"], s.State);

        var placeholder = osds[1];
        Assert.Null(placeholder.DbDevice);
        Assert.True(placeholder.IsSplit);
        Assert.Null(placeholder.Fsid);
        Assert.Null(placeholder.LvmVolumeGroup);
        var p = Assert.IsType<OsdStats>(placeholder.Stats);
        Assert.True(p.IsPlaceholder);
        Assert.False(p.Up);
        Assert.False(p.In);
        Assert.Null(p.Uuid);
        Assert.Null(p.Utilization);
        Assert.Null(p.Weight);
        Assert.Null(p.SizeKiB);
        Assert.Null(p.PlacementGroups);
        Assert.Null(p.Node);
        Assert.Null(p.Used);
        Assert.Empty(p.State);
        Assert.Equal(PvcSeed.PlaceholderOsdStats, p.Json);

        Assert.Null(osds[2].Stats);
        Assert.Equal("hv3", osds[2].Node);
    }

    [Fact]
    public async Task Osd_limit_matches_the_id_and_get_reports_a_missing_osd()
    {
        await using var c = await ConnectSeededAsync();
        Assert.Equal([1, 10], (await c.Osds.ListAsync("1")).Select(o => o.Id));
        Assert.Equal([1], (await c.Osds.ListAsync("^1$")).Select(o => o.Id));
        Assert.Equal("hv2", (await c.Osds.GetAsync(1)).Node);
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => c.Osds.GetAsync(7));
        Assert.Equal("OsdNotFound", e.ErrorId);
        Assert.Equal("7", e.Target);
    }

    [Fact]
    public async Task Lists_pools_sorted_by_ceph_id_with_tier_and_volume_count()
    {
        await using var c = await ConnectSeededAsync();
        var pools = await c.Pools.ListAsync();
        Assert.Equal(["fresh", "backup", "vms"], pools.Select(p => p.Name));

        var fresh = pools[0];
        Assert.Null(fresh.Pgs);
        Assert.Equal(PoolTier.Default, fresh.Tier);
        Assert.Equal(0, fresh.VolumeCount);
        var empty = Assert.IsType<PoolStats>(fresh.Stats);
        Assert.Null(empty.Id);
        Assert.Null(empty.FreeBytes);

        Assert.Equal(PoolTier.Hdd, pools[1].Tier);
        Assert.Equal(1, pools[1].VolumeCount);

        var vms = pools[2];
        Assert.Equal(64, vms.Pgs);
        Assert.Equal(PoolTier.Ssd, vms.Tier);
        Assert.Equal(2, vms.VolumeCount);
        var s = Assert.IsType<PoolStats>(vms.Stats);
        Assert.Equal(2, s.Id);
        Assert.Equal(21474836480, s.StoredBytes);
        Assert.Equal(966236160000, s.FreeBytes);
        Assert.Equal(64424509440, s.UsedBytes);
        Assert.Equal(0.0625, s.UsedPercent);
        Assert.Equal(5120, s.Objects);
        Assert.Equal(0, s.ObjectClones);
        Assert.Equal(15360, s.ObjectCopies);
        Assert.Equal(0, s.ObjectsMissingOnPrimary);
        Assert.Equal(0, s.ObjectsUnfound);
        Assert.Equal(3, s.ObjectsDegraded);
        Assert.Equal(1000, s.ReadOps);
        Assert.Equal(4096000, s.ReadBytes);
        Assert.Equal(2000, s.WriteOps);
        Assert.Equal(8192000, s.WriteBytes);
    }

    [Fact]
    public async Task Pool_limit_and_get()
    {
        await using var c = await ConnectSeededAsync();
        Assert.Equal(["vms"], (await c.Pools.ListAsync("m")).Select(p => p.Name));
        Assert.Equal(["backup"], (await c.Pools.ListAsync("^b.*p$")).Select(p => p.Name));
        Assert.Equal(PoolTier.Ssd, (await c.Pools.GetAsync("vms")).Tier);
        foreach (var missing in new[] { "nope", "", "a/b", ".." })
        {
            var e = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => c.Pools.GetAsync(missing));
            Assert.Equal("PoolNotFound", e.ErrorId);
        }
    }

    [Fact]
    public async Task Lists_volumes_with_rbd_info_and_tolerates_empty_and_bad_stats()
    {
        await using var c = await ConnectSeededAsync();
        var volumes = await c.Volumes.ListAsync();
        Assert.Equal(["backup/vm1_disk0", "vms/vm1_disk0", "vms/vm2_disk0"], volumes.Select(v => v.ToString()));
        Assert.Null(volumes[0].Stats);
        Assert.Null(volumes[2].Stats);

        var info = Assert.IsType<RbdImageInfo>(volumes[1].Stats);
        Assert.Equal("vm1_disk0", info.Name);
        Assert.Equal("1e8a6b8b4567", info.Id);
        Assert.Equal(21474836480, info.SizeBytes);
        Assert.Equal(5120, info.Objects);
        Assert.Equal(22, info.Order);
        Assert.Equal(4194304, info.ObjectSizeBytes);
        Assert.Equal(2, info.SnapshotCount);
        Assert.Equal("rbd_data.1e8a6b8b4567", info.BlockNamePrefix);
        Assert.Equal(2, info.Format);
        Assert.Equal(["layering", "exclusive-lock", "object-map", "fast-diff", "deep-flatten"], info.Features);
        Assert.Empty(info.OpFeatures);
        Assert.Empty(info.Flags);
        Assert.Null(info.Protected);
        Assert.Equal(new DateTime(2024, 1, 4, 10, 0, 0), info.Created);
        Assert.Equal(new DateTime(2024, 1, 4, 10, 5, 0), info.Accessed);
        Assert.Equal(new DateTime(2024, 1, 12, 8, 30, 15), info.Modified);
    }

    [Fact]
    public async Task Volume_pool_filter_limit_and_get()
    {
        await using var c = await ConnectSeededAsync();
        Assert.Equal(["vm1_disk0", "vm2_disk0"], (await c.Volumes.ListAsync(pool: "vms")).Select(v => v.Name));
        Assert.Empty(await c.Volumes.ListAsync(pool: "fresh"));
        Assert.Equal(["backup/vm1_disk0", "vms/vm1_disk0"], (await c.Volumes.ListAsync(limit: "vm1")).Select(v => v.ToString()));
        Assert.Equal(["vms/vm2_disk0"], (await c.Volumes.ListAsync("vms", "2_disk")).Select(v => v.ToString()));

        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => c.Volumes.ListAsync(pool: "nope"));
        Assert.Equal("PoolNotFound", e.ErrorId);

        Assert.Equal(21474836480, (await c.Volumes.GetAsync("vms", "vm1_disk0")).Stats?.SizeBytes);
        e = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => c.Volumes.GetAsync("vms", "vm9_disk0"));
        Assert.Equal("VolumeNotFound", e.ErrorId);
        Assert.Equal("vms/vm9_disk0", e.Target);
        e = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => c.Volumes.GetAsync("nope", "vm1_disk0"));
        Assert.Equal("PoolNotFound", e.ErrorId);
    }

    [Fact]
    public async Task Lists_snapshots_by_pool_and_volume()
    {
        await using var c = await ConnectSeededAsync();
        var all = await c.Snapshots.ListAsync();
        Assert.Equal(["backup/vm1_disk0@daily", "vms/vm1_disk0@daily", "vms/vm1_disk0@snap1"], all.Select(s => s.ToString()));
        Assert.Null(all[1].Stats);
        var info = Assert.IsType<RbdImageInfo>(all[2].Stats);
        Assert.False(info.Protected);
        Assert.Equal(["layering"], info.Features);

        Assert.Equal(["vms/vm1_disk0@daily", "vms/vm1_disk0@snap1"], (await c.Snapshots.ListAsync(pool: "vms")).Select(s => s.ToString()));
        Assert.Equal(["backup/vm1_disk0@daily", "vms/vm1_disk0@daily"], (await c.Snapshots.ListAsync(volume: "vm1_disk0", limit: "^dai")).Select(s => s.ToString()));
        Assert.Equal(["backup/vm1_disk0@daily"], (await c.Snapshots.ListAsync("backup", "vm1_disk0")).Select(s => s.ToString()));
        Assert.Empty(await c.Snapshots.ListAsync("vms", "vm2_disk0"));

        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => c.Snapshots.ListAsync(pool: "nope"));
        Assert.Equal("PoolNotFound", e.ErrorId);
        e = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => c.Snapshots.ListAsync("backup", "vm2_disk0"));
        Assert.Equal("VolumeNotFound", e.ErrorId);
        e = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => c.Snapshots.ListAsync(volume: "ghost"));
        Assert.Equal("VolumeNotFound", e.ErrorId);
    }

    [Fact]
    public async Task Gets_a_snapshot_and_names_what_is_missing()
    {
        await using var c = await ConnectSeededAsync();
        Assert.Equal("vm1_disk0", (await c.Snapshots.GetAsync("vms", "vm1_disk0", "snap1")).Stats?.Name);
        Assert.Equal("SnapshotNotFound", (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => c.Snapshots.GetAsync("vms", "vm1_disk0", "weekly"))).ErrorId);
        Assert.Equal("VolumeNotFound", (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => c.Snapshots.GetAsync("vms", "vm9", "snap1"))).ErrorId);
        Assert.Equal("PoolNotFound", (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => c.Snapshots.GetAsync("nope", "vm1_disk0", "snap1"))).ErrorId);
    }

    [Fact]
    public async Task An_uninitialised_cluster_has_no_storage()
    {
        await using var c = await ClusterConnection.ConnectAsync(new() { Servers = [await zk.NewChrootAsync()] });
        Assert.Empty(await c.Osds.ListAsync());
        Assert.Empty(await c.Pools.ListAsync());
        Assert.Empty(await c.Volumes.ListAsync());
        Assert.Empty(await c.Snapshots.ListAsync());
    }

    [Fact]
    public async Task Round_trips_are_the_same_for_2_and_for_200_volumes()
    {
        async Task<(int Volumes, int Snapshots, int Pools, int Osds)> WavesAsync(int count)
        {
            var chroot = await zk.NewChrootAsync();
            await using (var client = await ZooKeeperClient.ConnectAsync(chroot))
            {
                var seed = PvcSeed.Batch(client).AddStorageBase().AddPool("a", "64", "default").AddPool("b", "64", "default");
                for (var i = 0; i < count; i++)
                {
                    var pool = i % 2 == 0 ? "a" : "b";
                    seed.AddVolume(pool, $"vol{i}").AddSnapshot(pool, $"vol{i}", "s1").AddOsd(i, "hv1", $"/dev/sd{i}", "", "False", PvcSeed.ReportedOsdStats);
                }
                await seed.CommitAsync();
            }
            await using var c = await ClusterConnection.ConnectAsync(new() { Servers = [chroot] });
            var volumes = new ReadCounter();
            Assert.Equal(count, (await c.Volumes.ListAsync(counter: volumes)).Count(v => v.Stats is not null));
            var snapshots = new ReadCounter();
            Assert.Equal(count, (await c.Snapshots.ListAsync(counter: snapshots)).Count(s => s.Stats is not null));
            var pools = new ReadCounter();
            Assert.Equal(count, (await c.Pools.ListAsync(counter: pools)).Sum(p => p.VolumeCount));
            var osds = new ReadCounter();
            Assert.Equal(count, (await c.Osds.ListAsync(counter: osds)).Count(o => o.Stats is not null));
            return (volumes.Waves, snapshots.Waves, pools.Waves, osds.Waves);
        }

        var small = await WavesAsync(2);
        var large = await WavesAsync(200);
        Assert.Equal(small, large);
        Assert.Equal((3, 4, 2, 2), large);
    }
}
