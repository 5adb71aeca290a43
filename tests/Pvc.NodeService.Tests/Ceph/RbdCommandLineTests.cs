using Pvc.Testing.Pvc;
using Pvc.Core.Errors;
using Pvc.NodeService.Ceph;
using Pvc.Testing.Ceph;

namespace Pvc.NodeService.Tests.Ceph;

/// <summary>PVC's way, one rbd process per operation, against the real lab; the benchmark compares it with librbd.</summary>
[Collection(CephLabCollection.Name)]
public sealed class RbdCommandLineTests(CephLabFixture fixture)
{
    private RbdCommandLine Rbd => new(new CephClientOptions { ConfigPath = fixture.Lab.ConfigPath, ClientName = CephLab.AdminClient });

    [Fact]
    public async Task A_volume_made_by_the_rbd_tool_is_what_librbd_sees()
    {
        var pool = await fixture.Lab.SharedPoolAsync();
        var volume = CephLabFixture.UniqueName("cli");
        await Rbd.CreateAsync(pool, volume, 3L << 20);
        using (var cluster = await RadosCluster.ConnectAsync(new CephClientOptions { ConfigPath = fixture.Lab.ConfigPath }))
            Assert.Equal(3L << 20, (await new RbdImages(cluster).GetInfoAsync(pool, volume)).SizeBytes);
        Assert.Contains(volume, await Rbd.ListAsync(pool));
        Assert.Equal("VolumeExists", (await PvcAssert.ThrowsAsync(PvcErrorKind.AlreadyExists, () => Rbd.CreateAsync(pool, volume, 1L << 20))).ErrorId);
        await Rbd.RemoveAsync(pool, volume);
        Assert.DoesNotContain(volume, await Rbd.ListAsync(pool));
        Assert.Equal("VolumeNotFound", (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => Rbd.RemoveAsync(pool, volume))).ErrorId);
    }

    [Fact]
    public async Task A_failure_the_tool_reports_is_typed_by_its_errno_and_says_what_rbd_said()
    {
        // rbd exits with librbd's errno, here ENOTEMPTY: the image has snapshots
        var pool = await fixture.Lab.SharedPoolAsync();
        var volume = CephLabFixture.UniqueName("snapped");
        await Rbd.CreateAsync(pool, volume, 1L << 20);
        await fixture.Lab.RbdAsync(["snap", "create", $"{pool}/{volume}@keep"]);
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => Rbd.RemoveAsync(pool, volume));
        Assert.Equal("CephResourceBusy", e.ErrorId);
        Assert.Contains("snapshots", e.Message, StringComparison.Ordinal);
        await fixture.Lab.RbdAsync(["snap", "purge", $"{pool}/{volume}"]);
        await Rbd.RemoveAsync(pool, volume);
    }

    [Fact]
    public async Task A_missing_pool_is_refused_as_not_found()
    {
        Assert.Equal("PoolNotFound", (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => Rbd.ListAsync("no-such-pool"))).ErrorId);
        Assert.Equal("PoolNotFound", (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => Rbd.CreateAsync("no-such-pool", "v", 1L << 20))).ErrorId);
    }

    [Fact]
    public async Task A_name_that_would_be_an_option_never_reaches_the_command_line()
    {
        // a name beginning with '-' would be read as an option by rbd: refused before any process starts
        Assert.Equal("InvalidVolumeName", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => Rbd.CreateAsync("rbd", "--pool=other", 1))).ErrorId);
        Assert.Equal("InvalidPoolName", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => Rbd.ListAsync("-p"))).ErrorId);
    }
}
