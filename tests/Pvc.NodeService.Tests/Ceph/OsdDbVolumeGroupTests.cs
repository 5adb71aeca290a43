using Pvc.Core.Errors;
using Pvc.Core.Storage;
using Pvc.NodeService.Ceph;
using Pvc.NodeService.Ceph.Osds;
using Pvc.Testing.Ceph;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Ceph;

/// <summary>
/// osd.add_db_vg on this host with real LVM and a loop device: the volume group osd-db is made on the device's one
/// partition (pvcreate and vgcreate write metadata only, which this kernel, with no device-mapper, allows; lvcreate's
/// activation it does not); a device in use, a device the node does not have, and a second osd-db are refused with
/// nothing changed. The volume group, its physical volume and the partition are removed afterwards.
/// </summary>
[Collection(CephLabCollection.Name)]
public sealed class OsdDbVolumeGroupTests(CephLabFixture fixture, ZooKeeperFixture zk) : IClassFixture<ZooKeeperFixture>, IAsyncLifetime
{
    private const string Node = "hv1";
    private const string Vg = OsdDbVolumeGroupRequest.VolumeGroup;
    private RadosCluster? _ceph;
    private TestCluster? _cluster;

    private CephLab Lab => fixture.Lab;

    private OsdToolOptions Options => new() { ConfigPath = Lab.ConfigPath, ClusterName = Lab.ClusterName };

    private OsdWork Work() => new(_cluster!.Connection, _ceph!, new OsdProvisionerTests.LabOsdDaemons(Lab), Options, Node);

    public async Task InitializeAsync()
    {
        _ceph = await RadosCluster.ConnectAsync(new CephClientOptions { ConfigPath = Lab.ConfigPath, ClientName = CephLab.AdminClient });
        _cluster = await TestCluster.StartAsync(zk, nodes: 1);
    }

    public async Task DisposeAsync()
    {
        _ceph?.Dispose();
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }

    private static (int Code, string Output, string Error) Lvm(string tool, params string[] args) => LoopDevice.Run("/usr/sbin/" + tool, args);

    private Task<System.Text.Json.Nodes.JsonNode?> CreateAsync(string device) =>
        Work().AddDbVolumeGroupAsync(new OsdDbVolumeGroupRequest(device).ToArguments(), (_, _, _) => Task.CompletedTask, default);

    [Fact]
    public async Task The_osd_db_volume_group_is_made_on_the_devices_partition_and_a_second_or_a_device_in_use_is_refused()
    {
        // this host's own osd-db would be refused, and is not this test's to remove
        Assert.NotEqual(0, Lvm("vgdisplay", Vg).Code);
        using var device = LoopDevice.Create(Lab.Directory, 256L << 20);
        using var second = LoopDevice.Create(Lab.Directory, 256L << 20);
        using var filesystem = LoopDevice.Create(Lab.Directory, 256L << 20);
        Assert.Equal(0, LoopDevice.Run("mkfs.ext4", "-q", filesystem.Path).Code);
        string? partition = null;
        try
        {
            var ext4 = await Assert.ThrowsAsync<PvcException>(() => CreateAsync(filesystem.Path));
            Assert.Equal(PvcErrorIds.OsdDeviceInUse, ext4.ErrorId);
            Assert.Contains("TYPE=ext4", LoopDevice.Run("blkid", "-p", "-o", "export", filesystem.Path).Output, StringComparison.Ordinal);
            var missing = await Assert.ThrowsAsync<PvcException>(() => CreateAsync("/dev/pvc-no-such-disk"));
            Assert.Equal(PvcErrorIds.OsdDeviceNotFound, missing.ErrorId);
            var character = await Assert.ThrowsAsync<PvcException>(() => CreateAsync("/dev/null"));
            Assert.Equal(PvcErrorIds.OsdDeviceNotFound, character.ErrorId);
            Assert.NotEqual(0, Lvm("vgdisplay", Vg).Code);

            var result = await CreateAsync(device.Path);

            partition = result!["partition"]!.GetValue<string>();
            Assert.StartsWith(device.Path, partition, StringComparison.Ordinal);
            Assert.Equal((Node, device.Path, Vg), (result["node"]!.GetValue<string>(), result["device"]!.GetValue<string>(), result["volume_group"]!.GetValue<string>()));
            var vgs = Lvm("vgs", "--noheadings", "-o", "vg_name,pv_name", Vg);
            Assert.Equal(0, vgs.Code);
            Assert.Equal($"{Vg} {partition}", string.Join(' ', vgs.Output.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)));
            Assert.Contains("(Linux LVM)", LoopDevice.Run("sgdisk", "--info", "1", device.Path).Output, StringComparison.Ordinal);

            var again = await Assert.ThrowsAsync<PvcException>(() => CreateAsync(second.Path));
            Assert.Equal(PvcErrorIds.OsdDbVolumeGroupExists, again.ErrorId);
            Assert.NotEqual(0, LoopDevice.Run("blkid", "-p", second.Path).Code);
            Assert.NotEqual(0, LoopDevice.Run("sfdisk", "--dump", second.Path).Code);
        }
        finally
        {
            Lvm("vgremove", "--force", Vg);
            if (partition is not null)
                Lvm("pvremove", "--force", "--force", "--yes", partition);
            // a loop device's partition outlives its detach
            LoopDevice.Run("partx", "--delete", device.Path);
        }
        Assert.NotEqual(0, Lvm("vgdisplay", Vg).Code);
    }

    [Fact]
    public async Task Two_concurrent_add_db_vg_on_one_node_leave_the_winners_volume_group()
    {
        Assert.NotEqual(0, Lvm("vgdisplay", Vg).Code);
        using var first = LoopDevice.Create(Lab.Directory, 256L << 20);
        using var second = LoopDevice.Create(Lab.Directory, 256L << 20);
        var partitions = new List<string>();
        try
        {
            var tasks = new[] { CreateAsync(first.Path), CreateAsync(second.Path) };
            try { await Task.WhenAll(tasks); } catch (PvcException) { }

            var won = tasks.Where(t => t.IsCompletedSuccessfully).ToList();
            partitions.AddRange(won.Select(t => t.Result!["partition"]!.GetValue<string>()));
            var lost = Assert.Single(tasks, t => t.IsFaulted);
            Assert.IsType<PvcException>(lost.Exception!.InnerException);
            var partition = Assert.Single(partitions);
            // the loser's failure path left the winner's volume group alone
            var vgs = Lvm("vgs", "--noheadings", "-o", "vg_name,pv_name", Vg);
            Assert.Equal(0, vgs.Code);
            Assert.Equal($"{Vg} {partition}", string.Join(' ', vgs.Output.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)));
        }
        finally
        {
            Lvm("vgremove", "--force", Vg);
            foreach (var device in new[] { first.Path, second.Path })
            {
                Lvm("pvremove", "--force", "--force", "--yes", device + "p1");
                LoopDevice.Run("partx", "--delete", device);
            }
        }
        Assert.NotEqual(0, Lvm("vgdisplay", Vg).Code);
    }
}
