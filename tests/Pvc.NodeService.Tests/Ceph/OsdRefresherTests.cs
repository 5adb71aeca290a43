using System.Text.Json;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.NodeService.Ceph;
using Pvc.NodeService.Ceph.Osds;
using Pvc.Testing.Ceph;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Ceph;

/// <summary>
/// osd.refresh against the real Ceph lab and a real ZooKeeper: an OSD on a loop device whose daemon stopped and whose
/// data folder and keys are gone (a node reinstalled) is found on its device, activated, started and recorded again
/// under its own id; a device without that OSD is refused and nothing changes.
/// </summary>
[Collection(CephLabCollection.Name)]
public sealed class OsdRefresherTests(CephLabFixture fixture, ZooKeeperFixture zk) : IClassFixture<ZooKeeperFixture>, IAsyncLifetime
{
    private const string Node = "hv1";
    private RadosCluster? _ceph;
    private TestCluster? _cluster;

    private CephLab Lab => fixture.Lab;

    private OsdToolOptions Options => new() { ConfigPath = Lab.ConfigPath, ClusterName = Lab.ClusterName, SettleTimeout = TimeSpan.FromMinutes(3) };

    private OsdProvisionerTests.LabOsdDaemons Daemons => new(Lab);

    private OsdWork Work() => new(_cluster!.Connection, _ceph!, Daemons, Options, Node);

    private OsdRefresher Refresher() => new(_cluster!.Connection, _ceph!, Daemons, Options, Node);

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

    private async Task<bool> UpAsync(int id) =>
        JsonDocument.Parse(await Lab.CephAsync(["osd", "dump", "--format", "json"])).RootElement.GetProperty("osds").EnumerateArray()
            .Any(o => o.GetProperty("osd").GetInt32() == id && o.GetProperty("up").GetInt32() == 1);

    private string Key(int id, string key) => CephKeys.Osd.Path(id.ToString(System.Globalization.CultureInfo.InvariantCulture), key);

    [Fact]
    public async Task An_OSD_whose_node_was_reinstalled_is_found_on_its_device_activated_and_recorded_under_its_id()
    {
        using var device = LoopDevice.Create(Lab.Directory, 3L << 30);
        var id = (await Work().AddAsync(new OsdAddRequest(device.Path, 0.01).ToArguments(), (_, _, _) => Task.CompletedTask, default))!["osd_id"]!.GetValue<int>();
        var fsid = await _cluster!.ReadAsync(Key(id, CephKeys.OsdFsidOsd));
        try
        {
            // the reinstall: daemon gone, data folder gone, the device recorded under another name
            await Daemons.StopAsync(id, default);
            await new OsdMonitor(_ceph!).MarkDownAsync(id);
            Directory.Delete(Options.DataPath(id), recursive: true);
            await _cluster.Raw.SetDataAsync(Key(id, CephKeys.OsdDevice), "/dev/sdz"u8.ToArray());
            await CephLab.WaitUntilAsync(async _ => !await UpAsync(id), TimeSpan.FromSeconds(60), $"osd.{id} down");

            var progress = new List<int>();
            var result = await Refresher().RefreshAsync(new OsdRefreshRequest(id, device.Path).ToArguments(), (i, _, _) => { progress.Add(i); return Task.CompletedTask; }, default);

            Assert.Equal(id, result!["osd_id"]!.GetValue<int>());
            Assert.True(await UpAsync(id));
            Assert.True(Directory.Exists(Options.DataPath(id)));
            Assert.Equal(device.Path, await _cluster.ReadAsync(Key(id, CephKeys.OsdDevice)));
            Assert.Equal(fsid, await _cluster.ReadAsync(Key(id, CephKeys.OsdFsidOsd)));
            Assert.Equal(Node, await _cluster.ReadAsync(Key(id, CephKeys.OsdNode)));
            Assert.Equal(Enumerable.Range(1, OsdRefresher.Steps), progress);
        }
        finally
        {
            await Work().RemoveAsync(new OsdIdRequest(id, Force: true).ToArguments(), (_, _, _) => Task.CompletedTask, default);
        }
    }

    [Fact]
    public async Task Refreshing_from_a_device_that_holds_no_such_OSD_is_refused_and_nothing_changes()
    {
        using var device = LoopDevice.Create(Lab.Directory, 1L << 30);
        await PvcSeed.Batch(_cluster!.Raw).AddOsd(77, Node, "/dev/sdb", "", "False", PvcSeed.PlaceholderOsdStats).CommitAsync();

        var empty = await Assert.ThrowsAsync<PvcException>(() => Refresher().RefreshAsync(new OsdRefreshRequest(77, device.Path).ToArguments(), (_, _, _) => Task.CompletedTask, default));
        Assert.Equal(PvcErrorIds.OsdNotOnDevice, empty.ErrorId);
        var unknown = await Assert.ThrowsAsync<PvcException>(() => Refresher().RefreshAsync(new OsdRefreshRequest(78, device.Path).ToArguments(), (_, _, _) => Task.CompletedTask, default));
        Assert.Equal(PvcErrorIds.OsdNotFound, unknown.ErrorId);
        var elsewhere = await Assert.ThrowsAsync<PvcException>(() => new OsdRefresher(_cluster.Connection, _ceph!, Daemons, Options, "hv2")
            .RefreshAsync(new OsdRefreshRequest(77, device.Path).ToArguments(), (_, _, _) => Task.CompletedTask, default));
        Assert.Equal(PvcErrorIds.OsdOnOtherNode, elsewhere.ErrorId);

        Assert.Equal("/dev/sdb", await _cluster.ReadAsync(Key(77, CephKeys.OsdDevice)));
        Assert.Empty(await new CephVolume(Options).ListAsync(device.Path, default));
    }
}
