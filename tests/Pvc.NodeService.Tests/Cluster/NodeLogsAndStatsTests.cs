using System.Text;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Lab;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Cluster;

/// <summary>
/// Issue 16 through real node services on test-driver hosts: the node log in ZooKeeper and in its file (no password in
/// either), each running VM's serial console copied into its consolelog, and what each keepalive reports (VM stats,
/// network_stats), read back with Core's readers as the cmdlets read them.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NodeLogsAndStatsTests(ZooKeeperFixture zk) : IDisposable
{
    private const string BmcPassword = "Bmc-S3cret-pass";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly string _logs = Directory.CreateTempSubdirectory("pvc-nodelog-").FullName;

    public void Dispose() => Directory.Delete(_logs, recursive: true);

    [Fact]
    public async Task The_node_log_goes_to_ZooKeeper_and_to_its_file_which_HUP_reopens_and_no_password_is_in_any_line()
    {
        // a BMC that does not answer (nothing listens on 127.0.0.9): its address, user and password go through the
        // registration, the BMC identity check and their log lines
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 1, extraNodeConfig: $"""
            logging:
              file_logging: true
              log_keepalives: true
              log_cluster_details: true
            path:
              system_log_directory: "{_logs}"
            fencing:
              ipmi:
                hostname: 127.0.0.9
                username: admin
                password: "{BmcPassword}"
            """);
        var path = FaultKeys.Logs.Path("hv1", FaultKeys.LogMessages);
        var stored = await c.WaitAsync(path, t => t.Contains("Registered node hv1", StringComparison.Ordinal), "hv1's registration in its node log");
        // PVC's line: the daemon's name padded to 12, the prompt, the date, the message
        Assert.Matches(@"(?m)^pvcnoded:   info: \d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6} Registered node hv1 ", stored);
        Assert.Contains(await c.NodeOps.GetLogAsync("hv1", 2000), l => l.Contains("Registered node hv1", StringComparison.Ordinal));
        // log_keepalives and log_cluster_details: PVC's two lines per keepalive, the one node being the primary
        stored = await c.WaitAsync(path, t => t.Contains("hv1 keepalive @", StringComparison.Ordinal) && t.Contains("[primary]", StringComparison.Ordinal), "a keepalive line as primary");
        Assert.Matches(@"(?m) hv1 keepalive @ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \[primary\] in \d+\.\d\d seconds$", stored);
        Assert.Matches(@"(?m) Maintenance: False  Health: (N/A|\d+%)  VMs: \d+  OSDs: 0  Load: [\d.]+  Memory \[MiB\]: Used: \d+  Free: \d+$", stored);

        var file = Path.Combine(_logs, "pvcnoded.log");
        Assert.Contains("Registered node hv1", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

        // logrotate's way: move the file, HUP the service; its next lines go to a new file at the path
        File.Move(file, file + ".1");
        Assert.True(LabCommand.Signal(c.Nodes[0].Pid ?? throw new InvalidOperationException("hv1 is not running"), "HUP"));
        var vm = await c.StartVmOnAsync("after-hup", "hv1");
        await c.WaitAsync(path, t => t.Contains("after-hup", StringComparison.Ordinal), "a line about after-hup in hv1's node log");
        await WaitForAsync(() => File.Exists(file) && File.ReadAllText(file).Contains("after-hup", StringComparison.Ordinal), "the reopened log file");
        Assert.True(c.Nodes[0].IsRunning, "HUP stopped the node service");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.DoesNotContain("after-hup", await File.ReadAllTextAsync(file + ".1"), StringComparison.Ordinal);

        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(vm.Uuid);
        // every line the service wrote, wherever it went
        Assert.DoesNotContain(BmcPassword, await c.ReadAsync(path), StringComparison.Ordinal);
        Assert.DoesNotContain(BmcPassword, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        Assert.DoesNotContain(BmcPassword, await File.ReadAllTextAsync(file + ".1"), StringComparison.Ordinal);
        Assert.DoesNotContain(BmcPassword, await File.ReadAllTextAsync(c.Nodes[0].LogPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_VM_s_serial_console_is_copied_into_its_consolelog_as_the_guest_writes_it_and_followed_on_a_watch()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 1);
        var consoles = LabNode.ConsoleDirectory(c.Lab.Directory, "hv1");
        await AllowAsync(c, consoles);
        var log = Path.Combine(consoles, "chatty.log");
        await File.WriteAllTextAsync(log, "[    0.000000] Linux version 6.1.0\n[    0.100000] Command line: console=ttyS0\n");
        File.SetUnixFileMode(log, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var uuid = Guid.NewGuid();
        var vm = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(uuid, "chatty").Replace("/var/log/libvirt/chatty.log", log, StringComparison.Ordinal), TargetNode = "hv1" });
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(uuid, "hv1");

        var consolelog = DomainKeys.Path(uuid, DomainKeys.ConsoleLog);
        await c.WaitAsync(consolelog, t => t.Contains("Command line", StringComparison.Ordinal), "chatty's console in its consolelog");
        // as PVC's watcher: the node's copy of a console is the owner's only
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log));

        // -Follow's stream: the last line there is, then each line the guest writes, as it writes it
        using var stop = new CancellationTokenSource(Wait);
        await using var lines = c.Vms.FollowConsoleLogAsync(vm, tail: 1, stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await lines.MoveNextAsync());
        Assert.Equal("[    0.100000] Command line: console=ttyS0", lines.Current);
        for (var i = 1; i <= 3; i++)
        {
            await File.AppendAllTextAsync(log, $"[    {i}.500000] line {i} as the guest writes it\n");
            Assert.True(await lines.MoveNextAsync());
            Assert.Equal($"[    {i}.500000] line {i} as the guest writes it", lines.Current);
        }
        // an unfinished line is shown once the guest ends it
        await File.AppendAllTextAsync(log, "chatty login: ");
        await c.WaitAsync(consolelog, t => t.EndsWith("chatty login: ", StringComparison.Ordinal), "the unfinished line stored");
        await File.AppendAllTextAsync(log, "root\n");
        Assert.True(await lines.MoveNextAsync());
        Assert.Equal("chatty login: root", lines.Current);
        await stop.CancelAsync();

        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(uuid);
    }

    [Fact]
    public async Task A_console_log_outside_the_console_folder_is_never_read_into_the_cluster()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 1);
        var secret = Path.Combine(_logs, "not-a-console.log");
        await File.WriteAllTextAsync(secret, "root:$6$secret-hash:19000:0:99999:7:::\n");
        var uuid = Guid.NewGuid();
        var consoles = LabNode.ConsoleDirectory(c.Lab.Directory, "hv1");
        // Core's policy takes console logs only under /var/log/libvirt or a directory the cluster allows: both folders
        // allowed here, so that the node's own check is what keeps the file out
        await AllowAsync(c, _logs, consoles);
        var vm = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(uuid, "nosy").Replace("/var/log/libvirt/nosy.log", secret, StringComparison.Ordinal), TargetNode = "hv1" });
        // one that climbs out of the folder with ".." is refused by Core's policy already (a path with ".." is never admitted)
        var climbing = Guid.NewGuid();
        var refused = await Assert.ThrowsAsync<Pvc.Core.Errors.PvcException>(() => c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(climbing, "climber").Replace("/var/log/libvirt/climber.log", $"{consoles}/../{Path.GetFileName(secret)}", StringComparison.Ordinal), TargetNode = "hv1" }));
        Assert.Equal("DomainXmlNotAllowed", refused.ErrorId);
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(uuid, "hv1");
        await c.WaitForLogAsync(c.Nodes[0], $"The console of VM nosy is not logged to the cluster: its console log '{secret}' is not a file in {consoles}");
        Assert.Equal("", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.ConsoleLog)));
        // nor was the file touched (a watcher makes its file 0600)
        Assert.NotEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));
    }

    [Fact]
    public async Task Each_keepalive_writes_the_running_VMs_stats_as_PVC_s_and_the_cmdlets_readers_turn_them_into_rates()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 1);
        var vm = await c.StartVmOnAsync("counted", "hv1");
        var stats = await c.WaitAsync(DomainKeys.Path(vm.Uuid, DomainKeys.Stats), t => t.Length > 0, "counted's stats");
        // PVC's document, key for key (the test driver gives libvirt's state only: memory and vCPUs are the defined ones)
        Assert.StartsWith("{\"state\": \"RUNNING\", \"maxmem\": 1048576, \"livemem\": 1048576, \"cpus\": 2, \"cputime\": 0, \"mem_stats\": {}, \"cpu_stats\": {\"cpu_time\": 0}, \"disk_stats\": [", stats, StringComparison.Ordinal);
        Assert.Contains("\"net_stats\": []", stats, StringComparison.Ordinal);
        // and the node's interfaces (PVC's network_stats: physical interfaces only; none here has a device, or some may)
        Assert.NotNull(NodeInterfaceStats.ParseAll(await c.ReadAsync(NodeKeys.Path("hv1", NodeKeys.NetworkStats))));
        Assert.StartsWith("{", await c.ReadAsync(NodeKeys.Path("hv1", NodeKeys.NetworkStats)), StringComparison.Ordinal);

        var read = await c.Vms.GetStatsAsync([await c.Connection.Vms.GetAsync(vm.Uuid)], TimeSpan.FromSeconds(15));
        var stat = Assert.Single(read);
        Assert.Equal(("counted", "hv1", "RUNNING", 2, 1024L), (stat.Name, stat.Node, stat.State, stat.Vcpus, stat.MemoryMiB));
        // two reports a keepalive (1 s here) apart: rates, not counters
        Assert.NotNull(stat.Interval);
        Assert.InRange(stat.Interval!.Value.TotalSeconds, 0.2, 5);
        Assert.Equal(0, stat.CpuPercent);

        var nodes = await c.NodeOps.GetStatsAsync(await c.NodeOps.ListAsync());
        var hv1 = Assert.Single(nodes);
        Assert.Equal((16, 1, 2, 32768L, 1024L), (hv1.CpuCount, hv1.VmCount, hv1.VcpusAllocated, hv1.MemoryTotalMiB, hv1.MemoryAllocatedMiB));
    }

    private static async Task WaitForAsync(Func<bool> done, string what)
    {
        var until = DateTime.UtcNow + Wait;
        while (!done())
        {
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(50); // a file written by another process: nothing to watch here but the file
        }
    }

    /// <summary>Allows host paths under the directories, as an administrator does (Set-PvcCluster -AllowDomainXmlPath).</summary>
    private static Task AllowAsync(NodeServiceCluster c, params string[] directories) =>
        Pvc.Core.Cluster.ClusterSettings.ChangeAsync(c.Connection, new Pvc.Core.Cluster.ClusterSettingsChange { AllowedDomainXmlPaths = [.. directories.Select(Pvc.Core.Vms.HostDirectory.Parse)] });
}
