using System.Text.Json;
using Pvc.Testing.Pvc;
using Pvc.Core.Errors;
using Pvc.NodeService.Ceph;
using Pvc.Testing.Ceph;

namespace Pvc.NodeService.Tests.Ceph;

/// <summary>Volumes and snapshots through librbd, each outcome checked with the rbd tool against the real lab.</summary>
[Collection(CephLabCollection.Name)]
public sealed class RbdImagesTests(CephLabFixture fixture) : IAsyncLifetime
{
    private const long GiB = 1L << 30;
    private RadosCluster? _cluster;
    private string _pool = "";

    private RbdImages Images => new(_cluster!);

    private CephLab Lab => fixture.Lab;

    public async Task InitializeAsync()
    {
        _pool = await Lab.SharedPoolAsync();
        _cluster = await RadosCluster.ConnectAsync(new CephClientOptions { ConfigPath = Lab.ConfigPath, ClientName = CephLab.AdminClient });
    }

    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        return Task.CompletedTask;
    }

    private async Task<JsonDocument> RbdInfoAsync(string spec) => JsonDocument.Parse(await Lab.RbdAsync(["info", "--format", "json", spec]));

    private async Task<List<string>> RbdLsAsync() => JsonSerializer.Deserialize<List<string>>(await Lab.RbdAsync(["ls", "--format", "json", _pool]))!;

    [Fact]
    public async Task A_volume_is_created_listed_described_and_removed()
    {
        var volume = CephLabFixture.UniqueName("vm1_disk");
        await Images.CreateAsync(_pool, volume, GiB);
        Assert.Contains(volume, await RbdLsAsync());
        Assert.Contains(volume, await Images.ListAsync(_pool));

        var info = await Images.GetInfoAsync(_pool, volume);
        using (var rbd = await RbdInfoAsync($"{_pool}/{volume}"))
        {
            var r = rbd.RootElement;
            Assert.Equal(volume, info.Name);
            Assert.Equal(r.GetProperty("id").GetString(), info.Id);
            Assert.Equal(r.GetProperty("size").GetInt64(), info.SizeBytes);
            Assert.Equal(GiB, info.SizeBytes);
            Assert.Equal(r.GetProperty("objects").GetInt64(), info.Objects);
            Assert.Equal(r.GetProperty("order").GetInt32(), info.Order);
            Assert.Equal(r.GetProperty("object_size").GetInt64(), info.ObjectSizeBytes);
            Assert.Equal(r.GetProperty("block_name_prefix").GetString(), info.BlockNamePrefix);
            Assert.Equal(r.GetProperty("features").EnumerateArray().Select(f => f.GetString()!).ToList(), info.Features);
            Assert.Equal(0, info.SnapshotCount);
            Assert.InRange(info.Created, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1));
        }

        await Images.RemoveAsync(_pool, volume);
        Assert.DoesNotContain(volume, await RbdLsAsync());
        Assert.DoesNotContain(volume, await Images.ListAsync(_pool));
    }

    [Fact]
    public async Task A_volume_grows_and_shrinks_only_when_asked_to()
    {
        var volume = CephLabFixture.UniqueName("grow");
        await Images.CreateAsync(_pool, volume, GiB);
        try
        {
            await Images.ResizeAsync(_pool, volume, 2 * GiB);
            using (var rbd = await RbdInfoAsync($"{_pool}/{volume}"))
                Assert.Equal(2 * GiB, rbd.RootElement.GetProperty("size").GetInt64());

            var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => Images.ResizeAsync(_pool, volume, GiB));
            Assert.Equal("VolumeShrinkRefused", e.ErrorId);
            Assert.Equal(2 * GiB, (await Images.GetInfoAsync(_pool, volume)).SizeBytes);

            await Images.ResizeAsync(_pool, volume, GiB / 2, allowShrink: true);
            using (var rbd = await RbdInfoAsync($"{_pool}/{volume}"))
                Assert.Equal(GiB / 2, rbd.RootElement.GetProperty("size").GetInt64());
        }
        finally
        {
            await Images.RemoveAsync(_pool, volume);
        }
    }

    [Fact]
    public async Task Snapshots_are_taken_listed_and_removed_and_a_volume_goes_with_its_snapshots()
    {
        var volume = CephLabFixture.UniqueName("snap");
        await Images.CreateAsync(_pool, volume, GiB);
        await Images.CreateSnapshotAsync(_pool, volume, "s1");
        await Images.ResizeAsync(_pool, volume, 2 * GiB);
        await Images.CreateSnapshotAsync(_pool, volume, "s2");

        var snapshots = await Images.ListSnapshotsAsync(_pool, volume);
        Assert.Equal(["s1", "s2"], snapshots.Select(s => s.Name));
        Assert.Equal([GiB, 2 * GiB], snapshots.Select(s => s.SizeBytes));
        Assert.All(snapshots, s => Assert.False(s.Protected));
        using (var rbd = JsonDocument.Parse(await Lab.RbdAsync(["snap", "ls", "--format", "json", $"{_pool}/{volume}"])))
            Assert.Equal(snapshots.Select(s => s.Id), rbd.RootElement.EnumerateArray().Select(s => s.GetProperty("id").GetInt64()));
        Assert.Equal(2, (await Images.GetInfoAsync(_pool, volume)).SnapshotCount);

        var exists = await PvcAssert.ThrowsAsync(PvcErrorKind.AlreadyExists, () => Images.CreateSnapshotAsync(_pool, volume, "s1"));
        Assert.Equal("SnapshotExists", exists.ErrorId);

        await Images.RemoveSnapshotAsync(_pool, volume, "s1");
        Assert.Equal(["s2"], (await Images.ListSnapshotsAsync(_pool, volume)).Select(s => s.Name));
        var missing = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => Images.RemoveSnapshotAsync(_pool, volume, "s1"));
        Assert.Equal("SnapshotNotFound", missing.ErrorId);

        // as PVC: the snapshots are purged, then the volume is removed
        await Images.RemoveAsync(_pool, volume);
        Assert.DoesNotContain(volume, await RbdLsAsync());
    }

    [Fact]
    public async Task A_volume_that_exists_is_not_created_again()
    {
        var volume = CephLabFixture.UniqueName("dup");
        await Images.CreateAsync(_pool, volume, GiB);
        try
        {
            var e = await PvcAssert.ThrowsAsync(PvcErrorKind.AlreadyExists, () => Images.CreateAsync(_pool, volume, 2 * GiB));
            Assert.Equal("VolumeExists", e.ErrorId);
            Assert.Equal(GiB, (await Images.GetInfoAsync(_pool, volume)).SizeBytes);
        }
        finally
        {
            await Images.RemoveAsync(_pool, volume);
        }
    }

    [Fact]
    public async Task A_missing_pool_or_volume_is_refused_as_not_found()
    {
        Assert.Equal("PoolNotFound", (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => Images.CreateAsync("no-such-pool", "v", GiB))).ErrorId);
        Assert.Equal("PoolNotFound", (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => Images.ListAsync("no-such-pool"))).ErrorId);
        foreach (var call in new Func<Task>[]
        {
            () => Images.GetInfoAsync(_pool, "no-such-volume"),
            () => Images.RemoveAsync(_pool, "no-such-volume"),
            () => Images.ResizeAsync(_pool, "no-such-volume", GiB),
            () => Images.CreateSnapshotAsync(_pool, "no-such-volume", "s"),
            () => Images.ListSnapshotsAsync(_pool, "no-such-volume"),
        })
        {
            var e = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, call);
            Assert.Equal("VolumeNotFound", e.ErrorId);
            Assert.Equal($"{_pool}/no-such-volume", e.Target);
        }
    }

    [Fact]
    public async Task A_volume_another_client_has_open_is_not_removed_and_keeps_its_snapshots()
    {
        // rev14 P2-5: the snapshots were purged first, then rbd_remove failed on the open image
        var volume = CephLabFixture.UniqueName("open");
        await Images.CreateAsync(_pool, volume, 64L << 20);
        await Images.CreateSnapshotAsync(_pool, volume, "backup");
        using (var other = await RadosCluster.ConnectAsync(new CephClientOptions { ConfigPath = Lab.ConfigPath, ClientName = CephLab.AdminClient }))
        using (var io = other.OpenPool(_pool))
        using (RbdImages.Open(io, _pool, volume))
        {
            var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => Images.RemoveAsync(_pool, volume));
            Assert.Equal("CephResourceBusy", e.ErrorId);
            Assert.Contains(volume, await RbdLsAsync());
            Assert.Contains("backup", await Lab.RbdAsync(["snap", "ls", $"{_pool}/{volume}"]), StringComparison.Ordinal);
        }
        // closed: no watcher is left, and the removal goes through
        await Images.RemoveAsync(_pool, volume);
        Assert.DoesNotContain(volume, await RbdLsAsync());
    }

    [Fact]
    public async Task Bad_names_and_sizes_are_refused_before_librbd_sees_them()
    {
        var before = await RbdLsAsync();
        Assert.Equal("InvalidVolumeName", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => Images.CreateAsync(_pool, "--size=1", GiB))).ErrorId);
        Assert.Equal("InvalidVolumeName", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => Images.CreateAsync(_pool, "a@b", GiB))).ErrorId);
        Assert.Equal("InvalidPoolName", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => Images.CreateAsync("rbd/x", "v", GiB))).ErrorId);
        Assert.Equal("InvalidSnapshotName", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => Images.CreateSnapshotAsync(_pool, "v", "s@t"))).ErrorId);
        Assert.Equal("InvalidVolumeSize", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => Images.CreateAsync(_pool, "zero", 0))).ErrorId);
        Assert.Equal("InvalidVolumeSize", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => Images.ResizeAsync(_pool, "zero", -1))).ErrorId);
        Assert.Equal(before, await RbdLsAsync());
    }
}
