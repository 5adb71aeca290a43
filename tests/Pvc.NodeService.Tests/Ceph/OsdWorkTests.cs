using System.Diagnostics;
using System.Text.Json;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.NodeService.Ceph;
using Pvc.NodeService.Ceph.Osds;
using Pvc.Testing.Ceph;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Xunit.Abstractions;

namespace Pvc.NodeService.Tests.Ceph;

/// <summary>
/// The OSD tasks' work on a node against the real Ceph lab and a real ZooKeeper: an OSD added on a fresh loop device
/// is recorded under PVC's keys, taken out and in, then removed from Ceph and ZooKeeper; the lab's own OSD stays.
/// </summary>
[Collection(CephLabCollection.Name)]
public sealed class OsdWorkTests(CephLabFixture fixture, ZooKeeperFixture zk, ITestOutputHelper output) : IClassFixture<ZooKeeperFixture>, IAsyncLifetime
{
    private const string Node = "hv1";
    private RadosCluster? _ceph;
    private TestCluster? _cluster;

    private CephLab Lab => fixture.Lab;

    private OsdToolOptions Options => new() { ConfigPath = Lab.ConfigPath, ClusterName = Lab.ClusterName, SettleTimeout = TimeSpan.FromMinutes(3) };

    private OsdWork Work(string node = Node) => new(_cluster!.Connection, _ceph!, new OsdProvisionerTests.LabOsdDaemons(Lab), Options, node);

    public async Task InitializeAsync()
    {
        await Lab.SharedPoolAsync();
        _ceph = await RadosCluster.ConnectAsync(new CephClientOptions { ConfigPath = Lab.ConfigPath, ClientName = CephLab.AdminClient });
        _cluster = await TestCluster.StartAsync(zk, nodes: 2);
    }

    public async Task DisposeAsync()
    {
        _ceph?.Dispose();
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }

    private async Task<JsonElement> OsdDumpEntryAsync(int id) =>
        JsonDocument.Parse(await Lab.CephAsync(["osd", "dump", "--format", "json"])).RootElement.GetProperty("osds").EnumerateArray().SingleOrDefault(o => o.GetProperty("osd").GetInt32() == id);

    private async Task<string?> KeyAsync(int id, string key)
    {
        var path = CephKeys.Osd.Path(id.ToString(System.Globalization.CultureInfo.InvariantCulture), key);
        if (await _cluster!.Raw.ExistsAsync(path) is null)
            return null;
        return System.Text.Encoding.UTF8.GetString((await _cluster.Raw.GetDataAsync(path)).Data);
    }

    [Fact]
    public async Task An_OSD_is_added_recorded_as_PVC_does_taken_out_and_in_and_removed_with_its_keys()
    {
        using var device = LoopDevice.Create(Lab.Directory, 3L << 30);
        var progress = new List<(int Step, int Total, string Status)>();
        var timer = Stopwatch.StartNew();
        // a weight near the lab OSD's (10 GiB: 0.0098): beside a far heavier OSD, CRUSH keeps mapping some PGs of the
        // one-copy pool to it after it is out, and it never becomes safe to destroy
        var result = await Work().AddAsync(new OsdAddRequest(device.Path, 0.01).ToArguments(),
            (step, total, status) => { progress.Add((step, total, status)); return Task.CompletedTask; }, default);
        var addTime = timer.Elapsed;

        var id = result!["osd_id"]!.GetValue<int>();
        var dumped = await OsdDumpEntryAsync(id);
        Assert.Equal(1, dumped.GetProperty("up").GetInt32());
        using (var tree = JsonDocument.Parse(await Lab.CephAsync(["osd", "tree", "--format", "json"])))
        {
            var node = tree.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetInt32() == id);
            Assert.Equal("ssd", node.GetProperty("device_class").GetString());
            Assert.Equal(0.01, node.GetProperty("crush_weight").GetDouble(), 3);
        }
        // PVC's keys, as its add_osd writes them
        Assert.Equal("", await KeyAsync(id, CephKeys.Root));
        Assert.Equal(Node, await KeyAsync(id, CephKeys.OsdNode));
        Assert.Equal(device.Path, await KeyAsync(id, CephKeys.OsdDevice));
        Assert.Equal("", await KeyAsync(id, CephKeys.OsdDbDevice));
        Assert.Equal("", await KeyAsync(id, CephKeys.OsdFsid));
        Assert.Equal(dumped.GetProperty("uuid").GetString(), await KeyAsync(id, CephKeys.OsdFsidOsd));
        Assert.Equal(Lab.Fsid.ToString(), await KeyAsync(id, CephKeys.OsdFsidCluster));
        Assert.Equal("", await KeyAsync(id, CephKeys.OsdLvm));
        Assert.Equal("False", await KeyAsync(id, CephKeys.OsdIsSplit));
        Assert.Equal(PvcSeed.PlaceholderOsdStats, await KeyAsync(id, CephKeys.Stats));
        var osd = await _cluster!.Connection.Osds.GetAsync(id);
        Assert.Equal(Node, osd.Node);
        Assert.True(osd.Stats?.IsPlaceholder);
        Assert.Equal(Enumerable.Range(1, OsdProvisioner.AddSteps + 1), progress.Select(p => p.Step));
        Assert.All(progress, p => Assert.Equal(OsdProvisioner.AddSteps + 1, p.Total));

        await Work().SetInAsync(new OsdIdRequest(id).ToArguments(), @in: false, default);
        Assert.Equal(0, (await OsdDumpEntryAsync(id)).GetProperty("in").GetInt32());
        await Work().SetInAsync(new OsdIdRequest(id).ToArguments(), @in: true, default);
        Assert.Equal(1, (await OsdDumpEntryAsync(id)).GetProperty("in").GetInt32());

        timer.Restart();
        await Work().RemoveAsync(new OsdIdRequest(id).ToArguments(), (_, _, _) => Task.CompletedTask, default);
        output.WriteLine($"add {addTime.TotalSeconds:F1} s, remove {timer.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(JsonValueKind.Undefined, (await OsdDumpEntryAsync(id)).ValueKind);
        Assert.Equal(1, (await OsdDumpEntryAsync(0)).GetProperty("up").GetInt32());
        Assert.Null(await KeyAsync(id, CephKeys.Root));
        Assert.False(Directory.Exists(Options.DataPath(id)));
        Assert.Empty(await new CephVolume(Options).ListAsync(device.Path, default));
        Assert.DoesNotContain($"osd.{id}", await Lab.CephAsync(["auth", "ls"]));
    }

    // crush weight 0: no PG of the lab's one-copy pool maps to it, so its forced removal loses no data the later tests
    // need (with a weight, the pool's objects on it were gone and the next 'rbd create' hung)
    private async Task<int> AddOsdAsync(LoopDevice device) =>
        (await Work().AddAsync(new OsdAddRequest(device.Path, 0).ToArguments(), (_, _, _) => Task.CompletedTask, default))!["osd_id"]!.GetValue<int>();

    private Task RemoveOsdAsync(int id) => Work().RemoveAsync(new OsdIdRequest(id, Force: true).ToArguments(), (_, _, _) => Task.CompletedTask, default);

    [Fact]
    public async Task Adding_an_OSD_on_a_device_in_use_is_refused_and_nothing_on_it_is_changed()
    {
        // rev14 P2-7: an OSD's own device (raw mode: no partition table) and a bare filesystem were zapped
        using var device = LoopDevice.Create(Lab.Directory, 3L << 30);
        using var filesystem = LoopDevice.Create(Lab.Directory, 1L << 30);
        Assert.Equal(0, LoopDevice.Run("mkfs.ext4", "-q", filesystem.Path).Code);
        var id = await AddOsdAsync(device);
        try
        {
            var again = await Assert.ThrowsAsync<PvcException>(() => Work().AddAsync(new OsdAddRequest(device.Path, 0).ToArguments(), (_, _, _) => Task.CompletedTask, default));
            Assert.Equal(PvcErrorIds.OsdDeviceInUse, again.ErrorId);
            Assert.Contains($"osd.{id}", again.Message, StringComparison.Ordinal);
            Assert.Equal(1, (await OsdDumpEntryAsync(id)).GetProperty("up").GetInt32());
            Assert.Equal(id, Assert.Single(await new CephVolume(Options).ListAsync(device.Path, default)).Id);

            var ext4 = await Assert.ThrowsAsync<PvcException>(() => Work().AddAsync(new OsdAddRequest(filesystem.Path, 0).ToArguments(), (_, _, _) => Task.CompletedTask, default));
            Assert.Equal(PvcErrorIds.OsdDeviceInUse, ext4.ErrorId);
            Assert.Contains("ext4", ext4.Message, StringComparison.Ordinal);
            Assert.Contains("TYPE=ext4", LoopDevice.Run("blkid", "-p", "-o", "export", filesystem.Path).Output, StringComparison.Ordinal);
        }
        finally
        {
            await RemoveOsdAsync(id);
        }
        Assert.Equal(JsonValueKind.Undefined, (await OsdDumpEntryAsync(id)).ValueKind);
    }

    [Fact]
    public async Task Removing_an_OSD_whose_record_names_another_OSDs_device_zaps_only_its_own()
    {
        // rev14 P1-1: after a kernel renaming (or a key written by hand) the record names another OSD's disk
        using var first = LoopDevice.Create(Lab.Directory, 3L << 30);
        using var second = LoopDevice.Create(Lab.Directory, 3L << 30);
        var a = await AddOsdAsync(first);
        var b = await AddOsdAsync(second);
        try
        {
            await _cluster!.Raw.SetDataAsync(CephKeys.Osd.Path(a.ToString(System.Globalization.CultureInfo.InvariantCulture), CephKeys.OsdDevice),
                System.Text.Encoding.UTF8.GetBytes(second.Path));

            var result = await Work().RemoveAsync(new OsdIdRequest(a, Force: true).ToArguments(), (_, _, _) => Task.CompletedTask, default);

            Assert.Equal(first.Path, result!["zapped"]!.GetValue<string>());
            Assert.Equal(JsonValueKind.Undefined, (await OsdDumpEntryAsync(a)).ValueKind);
            Assert.Equal(1, (await OsdDumpEntryAsync(b)).GetProperty("up").GetInt32());
            Assert.Equal(b, Assert.Single(await new CephVolume(Options).ListAsync(second.Path, default)).Id);
            Assert.Empty(await new CephVolume(Options).ListAsync(first.Path, default));
        }
        finally
        {
            if ((await OsdDumpEntryAsync(a)).ValueKind != JsonValueKind.Undefined)
                await RemoveOsdAsync(a);
            await RemoveOsdAsync(b);
        }
    }

    [Fact]
    public async Task Removing_an_OSD_of_another_node_is_refused_and_its_keys_stay()
    {
        await PvcSeed.Batch(_cluster!.Raw).AddOsd(41, "hv2", "/dev/sdb", "", "False", PvcSeed.PlaceholderOsdStats).CommitAsync();

        var e = await Assert.ThrowsAsync<PvcException>(() => Work().RemoveAsync(new OsdIdRequest(41).ToArguments(), (_, _, _) => Task.CompletedTask, default));

        Assert.Equal(PvcErrorIds.OsdOnOtherNode, e.ErrorId);
        Assert.Contains("hv2", e.Message, StringComparison.Ordinal);
        Assert.Equal("hv2", await KeyAsync(41, CephKeys.OsdNode));
    }

    [Fact]
    public async Task Removing_or_taking_out_an_OSD_the_cluster_does_not_record_is_refused()
    {
        var remove = await Assert.ThrowsAsync<PvcException>(() => Work().RemoveAsync(new OsdIdRequest(0).ToArguments(), (_, _, _) => Task.CompletedTask, default));
        Assert.Equal(PvcErrorIds.OsdNotFound, remove.ErrorId);
        var @out = await Assert.ThrowsAsync<PvcException>(() => Work().SetInAsync(new OsdIdRequest(0).ToArguments(), @in: false, default));
        Assert.Equal(PvcErrorIds.OsdNotFound, @out.ErrorId);
        Assert.Equal(1, (await OsdDumpEntryAsync(0)).GetProperty("in").GetInt32());
    }

    [Fact]
    public async Task A_flag_task_sets_and_unsets_the_flag_and_returns_the_flags()
    {
        var set = await Work().SetFlagAsync(new OsdFlagRequest(OsdFlag.NoDeepScrub).ToArguments(), set: true, default);
        Assert.Contains("nodeep-scrub", set!["flags"]!.AsArray().Select(f => f!.GetValue<string>()));
        var unset = await Work().SetFlagAsync(new OsdFlagRequest(OsdFlag.NoDeepScrub).ToArguments(), set: false, default);
        Assert.DoesNotContain("nodeep-scrub", unset!["flags"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.DoesNotContain("nodeep-scrub", (await Lab.CephAsync(["osd", "dump", "--format", "json"])));
    }
}
