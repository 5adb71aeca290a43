using System.Diagnostics;
using System.Text.Json;
using Pvc.Core.Errors;
using Pvc.Core.Storage;
using Pvc.NodeService.Ceph;
using Pvc.NodeService.Ceph.Osds;
using Pvc.Testing.Ceph;
using Xunit.Abstractions;

namespace Pvc.NodeService.Tests.Ceph;

/// <summary>
/// OSD add and remove through ceph-volume on a fresh loop device in the real lab, and the refusals; every outcome read
/// back with the ceph tool. The lab's own OSD stays.
/// </summary>
[Collection(CephLabCollection.Name)]
public sealed class OsdProvisionerTests(CephLabFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Node = "hv1";
    private RadosCluster? _cluster;

    private CephLab Lab => fixture.Lab;

    private OsdToolOptions Options => new() { ConfigPath = Lab.ConfigPath, ClusterName = Lab.ClusterName, SettleTimeout = TimeSpan.FromMinutes(3) };

    private OsdMonitor Monitor => new(_cluster!);

    private OsdProvisioner Provisioner => new(new CephVolume(Options), Monitor, new LabOsdDaemons(Lab), Options, Node);

    public async Task InitializeAsync()
    {
        await Lab.SharedPoolAsync();
        _cluster = await RadosCluster.ConnectAsync(new CephClientOptions { ConfigPath = Lab.ConfigPath, ClientName = CephLab.AdminClient });
    }

    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        return Task.CompletedTask;
    }

    private async Task<JsonElement> OsdDumpAsync() => JsonDocument.Parse(await Lab.CephAsync(["osd", "dump", "--format", "json"])).RootElement;

    [Fact]
    public async Task An_OSD_is_added_on_a_fresh_device_taken_out_and_in_and_removed_with_the_lab_OSD_untouched()
    {
        using var device = LoopDevice.Create(Lab.Directory, 3L << 30);
        var steps = new List<string>();
        // a weight near the lab OSD's (10 GiB: 0.0098): with a far heavier OSD, CRUSH keeps mapping some PGs of the
        // one-copy pool to it after it is out, and it never becomes safe to destroy
        var timer = Stopwatch.StartNew();
        var made = await Provisioner.AddAsync(new OsdProvisioner.AddRequest(OsdDevice.Parse(device.Path), Weight: 0.01), (_, s) => { steps.Add(s); return Task.CompletedTask; }, default);
        var addTime = timer.Elapsed;

        Assert.Equal(Node, made.Node);
        Assert.Equal(device.Path, made.Device);
        Assert.Equal(Lab.Fsid, made.ClusterFsid);
        var osd = (await OsdDumpAsync()).GetProperty("osds").EnumerateArray().Single(o => o.GetProperty("osd").GetInt32() == made.Id);
        Assert.Equal(1, osd.GetProperty("up").GetInt32());
        Assert.Equal(made.Fsid, Guid.Parse(osd.GetProperty("uuid").GetString()!));
        using (var tree = JsonDocument.Parse(await Lab.CephAsync(["osd", "tree", "--format", "json"])))
        {
            var node = tree.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetInt32() == made.Id);
            Assert.Equal("ssd", node.GetProperty("device_class").GetString());
            Assert.Equal(0.01, node.GetProperty("crush_weight").GetDouble(), 3);
        }
        Assert.Equal(OsdProvisioner.AddSteps, steps.Count);

        await Monitor.MarkOutAsync(made.Id);
        Assert.Equal(0, (await OsdDumpAsync()).GetProperty("osds").EnumerateArray().Single(o => o.GetProperty("osd").GetInt32() == made.Id).GetProperty("in").GetInt32());
        await Monitor.MarkInAsync(made.Id);
        Assert.Equal(1, (await OsdDumpAsync()).GetProperty("osds").EnumerateArray().Single(o => o.GetProperty("osd").GetInt32() == made.Id).GetProperty("in").GetInt32());

        timer.Restart();
        await Provisioner.RemoveAsync(made.Id, device.Path, force: false, null, default);
        var removeTime = timer.Elapsed;
        output.WriteLine($"add {addTime.TotalSeconds:F1} s, remove {removeTime.TotalSeconds:F1} s");

        var osds = (await OsdDumpAsync()).GetProperty("osds").EnumerateArray().Select(o => o.GetProperty("osd").GetInt32()).ToList();
        Assert.DoesNotContain(made.Id, osds);
        Assert.Contains(0, osds);
        Assert.Equal(1, await Lab.OsdsUpAsync());
        Assert.False(Directory.Exists(Options.DataPath(made.Id)));
        Assert.Empty(await new CephVolume(Options).ListAsync(device.Path, default));
        Assert.DoesNotContain($"osd.{made.Id}", await Lab.CephAsync(["auth", "ls"]));
    }

    [Fact]
    public async Task A_device_with_a_partition_table_is_refused_and_nothing_is_registered()
    {
        using var device = LoopDevice.Create(Lab.Directory, 1L << 30);
        Assert.Equal(0, LoopDevice.Run("sgdisk", "--new", "1::+100M", device.Path).Code);
        var before = (await OsdDumpAsync()).GetProperty("osds").GetArrayLength();

        var e = await Assert.ThrowsAsync<PvcException>(() => Provisioner.AddAsync(new OsdProvisioner.AddRequest(OsdDevice.Parse(device.Path)), null, default));

        Assert.Equal(PvcErrorIds.OsdDeviceHasPartitions, e.ErrorId);
        Assert.Contains(device.Path, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, (await OsdDumpAsync()).GetProperty("osds").GetArrayLength());
        Assert.Equal(0, LoopDevice.Run("sfdisk", "--dump", device.Path).Code);
    }

    [Fact]
    public async Task A_device_the_node_does_not_have_is_refused()
    {
        var e = await Assert.ThrowsAsync<PvcException>(() => Provisioner.AddAsync(new OsdProvisioner.AddRequest(OsdDevice.Parse("/dev/pvc-no-such-disk")), null, default));
        Assert.Equal(PvcErrorIds.OsdDeviceNotFound, e.ErrorId);

        var detect = await Assert.ThrowsAsync<PvcException>(() => Provisioner.AddAsync(new OsdProvisioner.AddRequest(OsdDevice.Parse("detect:NoSuchModel:480GB:0")), null, default));
        Assert.Equal(PvcErrorIds.OsdDeviceNotFound, detect.ErrorId);
    }

    [Fact]
    public async Task Removing_the_only_OSD_that_holds_data_is_refused_without_force_and_it_stays_in()
    {
        await Lab.RbdAsync(["create", "--size", "64M", $"{CephLab.SharedPool}/{CephLabFixture.UniqueName("osdkeep")}"]);

        var e = await Assert.ThrowsAsync<PvcException>(() => Provisioner.RemoveAsync(0, null, force: false, null, default));

        Assert.Equal(PvcErrorIds.OsdHoldsLastData, e.ErrorId);
        var osd0 = (await OsdDumpAsync()).GetProperty("osds").EnumerateArray().Single(o => o.GetProperty("osd").GetInt32() == 0);
        Assert.Equal(1, osd0.GetProperty("in").GetInt32());
        Assert.Equal(1, osd0.GetProperty("up").GetInt32());
    }

    [Fact]
    public async Task A_cluster_flag_is_set_and_unset()
    {
        await Monitor.SetFlagAsync(OsdFlag.NoScrub);
        Assert.Contains("noscrub", await Monitor.GetFlagsAsync());
        Assert.Contains("noscrub", (await OsdDumpAsync()).GetProperty("flags").GetString());
        await Monitor.UnsetFlagAsync(OsdFlag.NoScrub);
        Assert.DoesNotContain("noscrub", await Monitor.GetFlagsAsync());
    }

    /// <summary>The lab's daemons: the real ceph-osd, as a process of the lab instead of a systemd unit.</summary>
    private sealed class LabOsdDaemons(CephLab lab) : IOsdDaemons
    {
        public Task StartAsync(int id, string dataPath, CancellationToken cancellationToken)
        {
            lab.StartOsd(id, dataPath);
            return Task.CompletedTask;
        }

        public Task StopAsync(int id, CancellationToken cancellationToken)
        {
            lab.StopOsd(id);
            return Task.CompletedTask;
        }
    }
}
