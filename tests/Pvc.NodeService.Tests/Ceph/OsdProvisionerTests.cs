using System.Text.Json;
using Pvc.Core.Errors;
using Pvc.Core.Storage;
using Pvc.NodeService.Ceph;
using Pvc.NodeService.Ceph.Osds;
using Pvc.Testing.Ceph;

namespace Pvc.NodeService.Tests.Ceph;

/// <summary>
/// The refusals of OSD add and remove in the real lab (the add and remove themselves: <see cref="OsdWorkTests"/>);
/// every outcome read back with the ceph tool. The lab's own OSD stays.
/// </summary>
[Collection(CephLabCollection.Name)]
public sealed class OsdProvisionerTests(CephLabFixture fixture) : IAsyncLifetime
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

        var e = await Assert.ThrowsAsync<PvcException>(() => Provisioner.RemoveAsync(0, null, null, false, null, default));

        Assert.Equal(PvcErrorIds.OsdHoldsLastData, e.ErrorId);
        var osd0 = (await OsdDumpAsync()).GetProperty("osds").EnumerateArray().Single(o => o.GetProperty("osd").GetInt32() == 0);
        Assert.Equal(1, osd0.GetProperty("in").GetInt32());
        Assert.Equal(1, osd0.GetProperty("up").GetInt32());
    }

    /// <summary>The lab's daemons: the real ceph-osd, as a process of the lab instead of a systemd unit.</summary>
    internal sealed class LabOsdDaemons(CephLab lab) : IOsdDaemons
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
