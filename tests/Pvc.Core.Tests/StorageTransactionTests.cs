using System.Text;
using Pvc.Core.Connection;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Testing.Network;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>
/// Storage and OSD keys written after Ceph was changed, through a relay that loses ZooKeeper's answer (rev14 P2-4): a
/// transaction that committed counts as written (the node then keeps Ceph's change), one the server never got is
/// still a failure (the node undoes Ceph's change).
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class StorageTransactionTests(ZooKeeperFixture zk)
{
    private static readonly DateTime When = new(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc);

    private static RbdImageSample Sample(string name) => new()
    {
        Name = name, Id = "abc123", SizeBytes = 1 << 30, Objects = 256, Order = 22, ObjectSizeBytes = 4 << 20, SnapshotCount = 0,
        BlockNamePrefix = "rbd_data.abc123", Created = When, Accessed = When, Modified = When,
    };

    private static async Task<(TestCluster Cluster, TcpProxy Proxy, ClusterConnection Through)> StartAsync(ZooKeeperFixture zk)
    {
        var c = await TestCluster.StartAsync(zk, nodes: 1);
        await PvcSeed.Batch(c.Raw).AddPool("vms", "8", "default").CommitAsync();
        var proxy = new TcpProxy(zk.Server.ClientPort);
        var through = await ClusterConnection.ConnectAsync(new() { Servers = [proxy.Endpoint + c.Chroot[c.Chroot.IndexOf('/', StringComparison.Ordinal)..]] });
        return (c, proxy, through);
    }

    [Fact]
    public async Task A_volumes_keys_whose_answer_was_lost_after_they_committed_count_as_written()
    {
        var (c, proxy, through) = await StartAsync(zk);
        await using (c)
        await using (proxy)
        await using (through)
        {
            var paused = proxy.PauseRepliesAfterRequestWith(Encoding.UTF8.GetBytes(CephKeys.Volume.Root("vms/lost")));
            var write = new StorageHostOperations(through).AddVolumeAsync("vms", "lost", Sample("lost"), default);
            await paused.WaitAsync(TimeSpan.FromSeconds(30));
            proxy.Cut();
            proxy.ResumeReplies();
            proxy.Restore();

            await write.WaitAsync(TimeSpan.FromSeconds(90));

            Assert.NotNull(await c.Raw.ExistsAsync(CephKeys.Volume.Path("vms/lost", CephKeys.Stats)));
            Assert.Equal("lost", (await c.Connection.Volumes.GetAsync("vms", "lost")).Name);
        }
    }

    [Fact]
    public async Task A_volumes_keys_the_server_never_got_are_still_a_failure()
    {
        var (c, proxy, through) = await StartAsync(zk);
        await using (c)
        await using (proxy)
        await using (through)
        {
            var cut = proxy.CutOnRequestWith(Encoding.UTF8.GetBytes(CephKeys.Volume.Root("vms/never")));
            var write = new StorageHostOperations(through).AddVolumeAsync("vms", "never", Sample("never"), default);
            await cut.WaitAsync(TimeSpan.FromSeconds(30));
            proxy.Restore();

            await Assert.ThrowsAsync<ConnectionLossException>(() => write.WaitAsync(TimeSpan.FromSeconds(90)));

            Assert.Null(await c.Raw.ExistsAsync(CephKeys.Volume.Root("vms/never")));
        }
    }

    [Fact]
    public async Task An_OSDs_keys_whose_answer_was_lost_after_they_committed_count_as_written()
    {
        var (c, proxy, through) = await StartAsync(zk);
        await using (c)
        await using (proxy)
        await using (through)
        {
            var fsid = Guid.NewGuid();
            var paused = proxy.PauseRepliesAfterRequestWith(Encoding.UTF8.GetBytes(fsid.ToString()));
            var write = new OsdHostOperations(through).RecordAsync(new OsdRecord(7, "hv1", "/dev/loop7", "", fsid, Guid.NewGuid(), "", "", IsSplit: false));
            await paused.WaitAsync(TimeSpan.FromSeconds(30));
            proxy.Cut();
            proxy.ResumeReplies();
            proxy.Restore();

            await write.WaitAsync(TimeSpan.FromSeconds(90));

            Assert.Equal(fsid, (await c.Connection.Osds.GetAsync(7)).Fsid);
        }
    }
}
