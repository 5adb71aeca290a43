using System.Text.Json;
using Pvc.Core.Errors;
using Pvc.NodeService.Ceph;
using Pvc.Testing.Ceph;
using Pvc.Testing.Pvc;

namespace Pvc.NodeService.Tests.Ceph;

/// <summary>RBD locks through librbd against the real lab, each outcome checked with the rbd tool (<c>rbd lock ls</c>).</summary>
[Collection(CephLabCollection.Name)]
public sealed class RbdLocksTests(CephLabFixture fixture) : IAsyncLifetime
{
    private RadosCluster? _cluster;
    private string _pool = "";

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

    /// <summary>The lockers <c>rbd lock ls</c> reports: (locker, lock id).</summary>
    private async Task<List<(string Locker, string Id)>> RbdLockLsAsync(string spec)
    {
        using var json = JsonDocument.Parse(await Lab.RbdAsync(["lock", "ls", "--format", "json", spec]));
        return [.. json.RootElement.EnumerateArray().Select(l => (l.GetProperty("locker").GetString()!, l.GetProperty("id").GetString()!))];
    }

    [Fact]
    public async Task Every_lock_other_clients_hold_is_listed_and_broken()
    {
        var volume = CephLabFixture.UniqueName("vm1_sda");
        await new RbdImages(_cluster!).CreateAsync(_pool, volume, 1L << 30);
        var spec = $"{_pool}/{volume}";
        // two other clients (each rbd process is a client of its own), each holding a shared lock, as two QEMUs could
        await Lab.RbdAsync(["lock", "add", "--shared", "pvc", spec, "qemu-hv1"]);
        await Lab.RbdAsync(["lock", "add", "--shared", "pvc", spec, "qemu-hv2"]);
        var held = await RbdLockLsAsync(spec);
        Assert.Equal(2, held.Count);
        Assert.NotEqual(held[0].Locker, held[1].Locker);

        var locks = new RbdLocks(_cluster!);
        var listed = await locks.ListAsync(_pool, volume);
        Assert.Equal(held.OrderBy(h => h.Id), listed.Select(l => (l.Client, l.Cookie)).OrderBy(l => l.Cookie));
        Assert.All(listed, l => Assert.Contains("127.0.0.1", l.Address, StringComparison.Ordinal));

        var broken = await locks.BreakAllAsync(_pool, volume);
        Assert.Equal(held.OrderBy(h => h.Id), broken.Select(l => (l.Client, l.Cookie)).OrderBy(l => l.Cookie));
        Assert.Empty(await RbdLockLsAsync(spec));
        Assert.Empty(await locks.ListAsync(_pool, volume));
        // nothing left to break is no error
        Assert.Empty(await locks.BreakAllAsync(_pool, volume));
        await Lab.RbdAsync(["rm", "--no-progress", spec]);
    }

    [Fact]
    public async Task An_exclusive_lock_is_broken_and_the_image_can_be_locked_again()
    {
        var volume = CephLabFixture.UniqueName("vm2_sda");
        await new RbdImages(_cluster!).CreateAsync(_pool, volume, 1L << 30);
        var spec = $"{_pool}/{volume}";
        await Lab.RbdAsync(["lock", "add", spec, "dead-node"]);
        // an exclusive lock keeps every other client out until it is broken
        await Assert.ThrowsAnyAsync<Exception>(() => Lab.RbdAsync(["lock", "add", spec, "new-node"]));

        var broken = Assert.Single(await new RbdLocks(_cluster!).BreakAllAsync(_pool, volume));
        Assert.Equal("dead-node", broken.Cookie);
        await Lab.RbdAsync(["lock", "add", spec, "new-node"]);
        Assert.Equal("new-node", Assert.Single(await RbdLockLsAsync(spec)).Id);
        await new RbdLocks(_cluster!).BreakAllAsync(_pool, volume);
        await Lab.RbdAsync(["rm", "--no-progress", spec]);
    }

    [Fact]
    public async Task A_missing_volume_or_a_bad_name_is_refused()
    {
        var locks = new RbdLocks(_cluster!);
        Assert.Equal("VolumeNotFound", (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => locks.BreakAllAsync(_pool, "no-such-volume"))).ErrorId);
        Assert.Equal("InvalidVolumeName", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => locks.ListAsync(_pool, "-x"))).ErrorId);
    }
}
