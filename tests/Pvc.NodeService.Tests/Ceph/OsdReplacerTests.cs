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
/// osd.replace against the real Ceph lab and a real ZooKeeper: an OSD on one loop device is moved to another and keeps
/// its id, is up and in there, its keys name the new device and fsid, and the old device no longer carries it; a new
/// device in use, an OSD of another node or holding the only copy of the data is refused with nothing changed.
/// </summary>
[Collection(CephLabCollection.Name)]
public sealed class OsdReplacerTests(CephLabFixture fixture, ZooKeeperFixture zk, ITestOutputHelper output) : IClassFixture<ZooKeeperFixture>, IAsyncLifetime
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

    private async Task<List<JsonElement>> OsdsAsync() =>
        [.. JsonDocument.Parse(await Lab.CephAsync(["osd", "dump", "--format", "json"])).RootElement.GetProperty("osds").EnumerateArray()];

    private async Task<JsonElement> OsdAsync(int id) => (await OsdsAsync()).SingleOrDefault(o => o.GetProperty("osd").GetInt32() == id);

    private Task<string> KeyAsync(int id, string key) => _cluster!.ReadAsync(CephKeys.Osd.Path(id.ToString(System.Globalization.CultureInfo.InvariantCulture), key));

    private static readonly Func<int, int, string, Task> Ignore = (_, _, _) => Task.CompletedTask;

    [Fact]
    public async Task A_replaced_OSD_keeps_its_id_and_runs_on_the_new_device_and_the_old_one_no_longer_carries_it()
    {
        using var old = LoopDevice.Create(Lab.Directory, 3L << 30);
        using var @new = LoopDevice.Create(Lab.Directory, 3L << 30);
        // crush weight 0: no PG of the lab's one-copy pool maps to it (see OsdWorkTests), so it is safe to destroy at once
        var id = (await Work().AddAsync(new OsdAddRequest(old.Path, 0).ToArguments(), Ignore, default))!["osd_id"]!.GetValue<int>();
        try
        {
            var oldFsid = await KeyAsync(id, CephKeys.OsdFsidOsd);
            var count = (await OsdsAsync()).Count;
            var progress = new List<(int Step, int Total)>();
            var timer = System.Diagnostics.Stopwatch.StartNew();

            var result = await Work().ReplaceAsync(new OsdReplaceRequest(id, @new.Path).ToArguments(),
                (i, n, _) => { progress.Add((i, n)); return Task.CompletedTask; }, default);
            output.WriteLine($"replace {timer.Elapsed.TotalSeconds:F1} s");

            Assert.Equal(id, result!["osd_id"]!.GetValue<int>());
            Assert.Equal(@new.Path, result["device"]!.GetValue<string>());
            Assert.Equal(old.Path, result["old_device"]!.GetValue<string>());
            var entry = await OsdAsync(id);
            Assert.Equal((1, 1), (entry.GetProperty("up").GetInt32(), entry.GetProperty("in").GetInt32()));
            Assert.Equal(count, (await OsdsAsync()).Count);
            var newFsid = entry.GetProperty("uuid").GetString();
            Assert.NotEqual(oldFsid, newFsid);
            Assert.DoesNotContain("destroyed", entry.GetProperty("state").EnumerateArray().Select(s => s.GetString()));
            // the new device carries it, the old one nothing
            var carried = Assert.Single(await new CephVolume(Options).ListAsync(@new.Path, default));
            Assert.Equal((id, newFsid), (carried.Id, carried.Fsid.ToString()));
            Assert.Empty(await new CephVolume(Options).ListAsync(old.Path, default));
            // its keys name the new device and fsid; the weight is kept
            Assert.Equal(@new.Path, await KeyAsync(id, CephKeys.OsdDevice));
            Assert.Equal(newFsid, await KeyAsync(id, CephKeys.OsdFsidOsd));
            Assert.Equal(Node, await KeyAsync(id, CephKeys.OsdNode));
            Assert.Equal(0.0, result["weight"]!.GetValue<double>());
            Assert.Equal(Enumerable.Range(1, OsdReplacer.Steps), progress.Select(p => p.Step));
            Assert.All(progress, p => Assert.Equal(OsdReplacer.Steps, p.Total));
        }
        finally
        {
            await Work().RemoveAsync(new OsdIdRequest(id, Force: true).ToArguments(), Ignore, default);
        }
        Assert.Equal(JsonValueKind.Undefined, (await OsdAsync(id)).ValueKind);
    }

    [Fact]
    public async Task A_replace_onto_a_device_in_use_or_of_an_OSD_elsewhere_or_holding_the_last_data_is_refused_and_nothing_changes()
    {
        using var filesystem = LoopDevice.Create(Lab.Directory, 1L << 30);
        using var empty = LoopDevice.Create(Lab.Directory, 1L << 30);
        Assert.Equal(0, LoopDevice.Run("mkfs.ext4", "-q", filesystem.Path).Code);
        await Lab.RbdAsync(["create", "--size", "64M", $"{CephLab.SharedPool}/{CephLabFixture.UniqueName("osdkeep")}"]);
        // the lab's own OSD, recorded on hv1 and on hv2: every refusal comes before any change to it
        await PvcSeed.Batch(_cluster!.Raw).AddOsd(0, Node, "/dev/sdz", "", "False", PvcSeed.PlaceholderOsdStats).CommitAsync();
        var before = await OsdAsync(0);

        var inUse = await Assert.ThrowsAsync<PvcException>(() => Work().ReplaceAsync(new OsdReplaceRequest(0, filesystem.Path).ToArguments(), Ignore, default));
        Assert.Equal(PvcErrorIds.OsdDeviceInUse, inUse.ErrorId);
        Assert.Contains("ext4", inUse.Message, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<PvcException>(() => Work().ReplaceAsync(new OsdReplaceRequest(0, "/dev/pvc-no-such-disk").ToArguments(), Ignore, default));
        Assert.Equal(PvcErrorIds.OsdDeviceNotFound, missing.ErrorId);
        var elsewhere = await Assert.ThrowsAsync<PvcException>(() => Work("hv2").ReplaceAsync(new OsdReplaceRequest(0, empty.Path).ToArguments(), Ignore, default));
        Assert.Equal(PvcErrorIds.OsdOnOtherNode, elsewhere.ErrorId);
        var unknown = await Assert.ThrowsAsync<PvcException>(() => Work().ReplaceAsync(new OsdReplaceRequest(98, empty.Path).ToArguments(), Ignore, default));
        Assert.Equal(PvcErrorIds.OsdNotFound, unknown.ErrorId);
        var last = await Assert.ThrowsAsync<PvcException>(() => Work().ReplaceAsync(new OsdReplaceRequest(0, empty.Path).ToArguments(), Ignore, default));
        Assert.Equal(PvcErrorIds.OsdHoldsLastData, last.ErrorId);

        var after = await OsdAsync(0);
        Assert.Equal((1, 1), (after.GetProperty("up").GetInt32(), after.GetProperty("in").GetInt32()));
        Assert.Equal(before.GetProperty("uuid").GetString(), after.GetProperty("uuid").GetString());
        Assert.Equal("/dev/sdz", await KeyAsync(0, CephKeys.OsdDevice));
        Assert.Contains("TYPE=ext4", LoopDevice.Run("blkid", "-p", "-o", "export", filesystem.Path).Output, StringComparison.Ordinal);
        Assert.Empty(await new CephVolume(Options).ListAsync(empty.Path, default));
    }
}
