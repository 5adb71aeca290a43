using Pvc.Testing.Ceph;
using Xunit.Abstractions;

namespace Pvc.NodeService.Tests.Ceph;

/// <summary>The lab itself: what the storage tests rely on.</summary>
[Collection(CephLabCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CephLabTests(CephLabFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task The_lab_is_healthy_with_its_OSD_up_and_its_keyrings_private()
    {
        var lab = fixture.Lab;
        output.WriteLine($"lab start: {lab.StartTime.TotalSeconds:0.0} s");
        Assert.Equal("HEALTH_OK", await lab.HealthAsync());
        Assert.Equal(lab.Options.OsdCount, await lab.OsdsUpAsync());
        Assert.Contains("mon.a", lab.Pids.Keys);
        Assert.Contains("mgr.x", lab.Pids.Keys);
        foreach (var keyring in Directory.EnumerateFiles(lab.Directory, "keyring*", SearchOption.AllDirectories))
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyring));
        // others may pass through (the OSDs ceph-volume makes run as the ceph user and reach ceph.conf and the logs), not list it
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(lab.Directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(lab.BootstrapOsdKeyringPath));
    }

    [Fact]
    public async Task A_lab_started_and_disposed_leaves_no_daemon_and_no_folder()
    {
        // a second, memstore cluster beside the shared one: its own ports, folder and daemons
        var lab = await CephLab.StartAsync(new CephLabOptions { ObjectStore = CephObjectStore.Memstore });
        output.WriteLine($"memstore lab start: {lab.StartTime.TotalSeconds:0.0} s");
        var pids = lab.Pids.Values.ToList();
        var dir = lab.Directory;
        Assert.Equal(3, pids.Count);
        Assert.All(pids, pid => Assert.True(Directory.Exists($"/proc/{pid}")));
        await lab.DisposeAsync();
        Assert.False(Directory.Exists(dir));
        Assert.All(pids, pid => Assert.False(File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal)));
        Assert.Equal("HEALTH_OK", await fixture.Lab.HealthAsync());
    }
}
