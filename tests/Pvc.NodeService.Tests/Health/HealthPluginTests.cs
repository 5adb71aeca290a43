using System.Text.Json.Nodes;
using Pvc.Core.Health;
using Pvc.NodeService.Fencing;
using Pvc.NodeService.Health;
using Pvc.NodeService.Health.Plugins;
using Pvc.Testing.Lab;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Health;

/// <summary>
/// Each compiled health plugin against the real thing it checks where this machine has it (libvirt's test driver,
/// ZooKeeper, ipmitool with ipmi_sim, pg_isready, dpkg, /proc/loadavg, /sys/class/net), and each plugin's
/// not-applicable path.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class HealthPluginTests(ZooKeeperFixture zk) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pvc-health-").FullName;
    private static CancellationToken Ct => CancellationToken.None;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Load_takes_50_when_the_load_is_above_the_CPU_count_and_does_not_apply_without_proc_loadavg()
    {
        var file = Path.Combine(_dir, "loadavg");
        await File.WriteAllTextAsync(file, "7.50 3.10 1.02 3/456 7890\n", Ct);
        var busy = await new LoadHealthPlugin(4, file).RunAsync(Ct);
        Assert.Equal((LoadHealthPlugin.OverloadDelta, "Current load is 7.50 with 4 CPUs"), (busy.HealthDelta, busy.Message));
        Assert.Equal(0, (await new LoadHealthPlugin(8, file).RunAsync(Ct)).HealthDelta);
        // the machine's own
        var real = new LoadHealthPlugin(100_000);
        Assert.Null(await real.SetupAsync(Ct));
        Assert.Equal(0, (await real.RunAsync(Ct)).HealthDelta);
        Assert.NotNull(await new LoadHealthPlugin(4, Path.Combine(_dir, "missing")).SetupAsync(Ct));
    }

    [Fact]
    public async Task Libvirt_takes_50_when_the_hypervisor_cannot_be_reached()
    {
        var good = new LibvirtHealthPlugin("test:///default");
        Assert.Null(await good.SetupAsync(Ct));
        Assert.Equal(0, (await good.RunAsync(Ct)).HealthDelta);
        var bad = await new LibvirtHealthPlugin($"test://{_dir}/no-such-host.xml").RunAsync(Ct);
        Assert.Equal(LibvirtHealthPlugin.UnreachableDelta, bad.HealthDelta);
        Assert.StartsWith($"Failed to connect to test://{_dir}/no-such-host.xml", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ZooKeeper_answers_on_a_coordinator_and_the_plugin_does_not_apply_on_a_hypervisor()
    {
        await using var c = await TestCluster.StartAsync(zk, nodes: 1);
        var node = new NodeHealthHostOperations(c.Connection, "hv1");
        var coordinator = new ZooKeeperHealthPlugin(node, isCoordinator: true);
        Assert.Null(await coordinator.SetupAsync(Ct));
        Assert.Equal((0, "ZooKeeper answers"), ((await coordinator.RunAsync(Ct)).HealthDelta, (await coordinator.RunAsync(Ct)).Message));
        Assert.Contains("not a coordinator", await new ZooKeeperHealthPlugin(node, isCoordinator: false).SetupAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ipmi_asks_the_nodes_BMC_and_takes_10_when_it_stops_answering()
    {
        var bmc = await SimulatedBmc.StartAsync(Path.Combine(_dir, "bmc"), "hv1", Ct);
        var plugin = new IpmiHealthPlugin(BmcAddress.FromKeys(bmc.Address, bmc.User, bmc.Password), new IpmiTool { CallTimeout = TimeSpan.FromSeconds(3) });
        Assert.Null(await plugin.SetupAsync(Ct));
        var ok = await plugin.RunAsync(Ct);
        Assert.Equal((0, "The BMC 127.0.0.1 answers (chassis power on)"), (ok.HealthDelta, ok.Message));
        bmc.Dispose();
        var gone = await plugin.RunAsync(Ct);
        Assert.Equal(IpmiHealthPlugin.UnreachableDelta, gone.HealthDelta);
        Assert.Contains("did not answer in 3 tries", gone.Message, StringComparison.Ordinal);
        Assert.Contains("no BMC is configured", await new IpmiHealthPlugin(null, new IpmiTool()).SetupAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_takes_50_when_the_server_does_not_accept_connections_and_does_not_apply_unconfigured()
    {
        // a port nothing listens on, asked with the real pg_isready
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var plugin = new PostgresHealthPlugin("127.0.0.1", port);
        Assert.Null(await plugin.SetupAsync(Ct));
        var down = await plugin.RunAsync(Ct);
        Assert.Equal(PostgresHealthPlugin.UnreachableDelta, down.HealthDelta);
        Assert.Contains("no response", down.Message, StringComparison.Ordinal);
        Assert.Contains("no PostgreSQL server is configured", await new PostgresHealthPlugin(null, 5432).SetupAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("is not installed", await new PostgresHealthPlugin("127.0.0.1", port, "/nonexistent/pg_isready").SetupAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dpkg_counts_one_per_inconsistent_or_upgradable_package_and_obsolete_conffile()
    {
        var etc = Path.Combine(_dir, "etc");
        Directory.CreateDirectory(Path.Combine(etc, "default"));
        await File.WriteAllTextAsync(Path.Combine(etc, "default", "grub.dpkg-dist"), "", Ct);
        await File.WriteAllTextAsync(Path.Combine(etc, "ssh.ucf-old"), "", Ct);
        await File.WriteAllTextAsync(Path.Combine(etc, "fstab"), "", Ct);
        var plugin = new DpkgHealthPlugin(etc: etc);
        Assert.Null(await plugin.SetupAsync(Ct));
        var result = await plugin.RunAsync(Ct);
        var data = result.Data!.AsObject();
        Assert.Equal([Path.Combine(etc, "default", "grub.dpkg-dist"), Path.Combine(etc, "ssh.ucf-old")],
            data["obsolete_conffiles"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(data["inconsistent"]!.AsArray().Count + data["upgradable"]!.AsArray().Count + 2, result.HealthDelta);
        Assert.Contains("is not installed", await new DpkgHealthPlugin("/nonexistent/dpkg-query").SetupAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nics_checks_the_configured_devices_that_exist_and_does_not_apply_without_any()
    {
        var plugin = new NicsHealthPlugin(["lo"]);
        Assert.Null(await plugin.SetupAsync(Ct));
        var result = await plugin.RunAsync(Ct);
        Assert.Equal((0, "Interfaces lo are healthy"), (result.HealthDelta, result.Message));
        Assert.Equal("unknown", result.Data!["lo"]!["operstate"]!.GetValue<string>());
        Assert.Equal("pvc.conf names no network device", await new NicsHealthPlugin([]).SetupAsync(Ct));
        Assert.Equal("none of the devices pvcnosuch0 exists", await new NicsHealthPlugin(["pvcnosuch0"]).SetupAsync(Ct));
    }

    [Fact]
    public async Task Disk_and_edac_do_not_apply_without_their_tool_or_counters()
    {
        Assert.Contains("is not installed", await new DiskHealthPlugin("/nonexistent/smartctl").SetupAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("no memory controller reports to EDAC", await new EdacHealthPlugin(Path.Combine(_dir, "no-edac")).SetupAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public void Disk_counts_10_per_NVMe_warning_and_failed_ATA_attribute_in_smartctls_JSON()
    {
        var nvme = JsonNode.Parse("""{"nvme_smart_health_information_log":{"critical_warning":1,"media_errors":0,"percentage_used":95}}""");
        Assert.Equal(["has a critical warning", "is more than 90% used"], DiskHealthPlugin.Assess(nvme));
        var ata = JsonNode.Parse("""{"ata_smart_attributes":{"table":[{"name":"Reallocated_Sector_Ct","when_failed":"now"},{"name":"Power_On_Hours","when_failed":""}]}}""");
        Assert.Equal(["attribute Reallocated_Sector_Ct failed (now)"], DiskHealthPlugin.Assess(ata));
        Assert.Equal(["SMART data could not be read"], DiskHealthPlugin.Assess(null));
    }

    [Fact]
    public async Task Edac_takes_50_for_uncorrected_errors_and_reports_corrected_ones()
    {
        // the counters' layout as the kernel's sysfs has it (this machine has no EDAC memory controller)
        var mc = Path.Combine(_dir, "edac", "mc0");
        Directory.CreateDirectory(mc);
        await File.WriteAllTextAsync(Path.Combine(mc, "ce_count"), "3\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(mc, "ue_count"), "0\n", Ct);
        var plugin = new EdacHealthPlugin(Path.Combine(_dir, "edac"));
        Assert.Null(await plugin.SetupAsync(Ct));
        Assert.Equal((0, "3 corrected memory errors"), ((await plugin.RunAsync(Ct)).HealthDelta, (await plugin.RunAsync(Ct)).Message));
        await File.WriteAllTextAsync(Path.Combine(mc, "ue_count"), "1\n", Ct);
        Assert.Equal(EdacHealthPlugin.UncorrectedDelta, (await plugin.RunAsync(Ct)).HealthDelta);
    }

    [Fact]
    public async Task Hardware_RAID_reads_each_tools_arrays_and_does_not_apply_without_a_tool()
    {
        // the tools' outputs as they print them (this machine has no RAID controller)
        const string megacli = """


            Adapter 0 -- Virtual Drive Information:
            Virtual Drive: 0 (Target Id: 0)
            Name                :system
            RAID Level          : Primary-1, Secondary-0, RAID Level Qualifier-0
            Size                : 278.875 GB
            State               : Optimal
            Number Of Drives    : 2
            Span Depth          : 1


            Virtual Drive: 1 (Target Id: 1)
            Name                :data
            RAID Level          : Primary-5, Secondary-0, RAID Level Qualifier-3
            State               : Degraded
            Number Of Drives    : 4


            Exit Code: 0x00
            """;
        Assert.Equal(
        [
            new HardwareRaidHealthPlugin.RaidArray("RAID MegaRAID ID 0 (Name: system, Disks: 2, State: Optimal)", true),
            new HardwareRaidHealthPlugin.RaidArray("RAID MegaRAID ID 1 (Name: data, Disks: 4, State: Degraded)", false),
        ], HardwareRaidHealthPlugin.ParseMegaRaid(megacli));
        const string ssacli = """

            Smart Array P420i in Slot 0 (Embedded)

               Array A

                  logicaldrive 1 (279.37 GB, RAID 1, OK)

               Array B

                  logicaldrive 2 (1.09 TB, RAID 5, Interim Recovery Mode)

            """;
        Assert.Equal([true, false], HardwareRaidHealthPlugin.ParseSmartArray(ssacli).Select(a => a.Healthy));
        Assert.Equal("RAID HPSA Array B logicaldrive 2 (1.09 TB, RAID 5, Interim Recovery Mode)", HardwareRaidHealthPlugin.ParseSmartArray(ssacli)[1].Label);
        Assert.Equal(["0", "3"], HardwareRaidHealthPlugin.SmartArraySlots("\nSmart Array P420i in Slot 0 (Embedded)\n   Controller Status: OK\nSmart Array P840 in Slot 3\n   Controller Status: OK\n"));
        const string mvcli = """
            SG driver version 3.5.36.

            id:                  0
            name:                VD_0
            status:              functional
            Stripe size:         64
            RAID mode:           RAID1

            id:                  1
            name:                VD_1
            status:              degrade
            """;
        Assert.Equal(
        [
            new HardwareRaidHealthPlugin.RaidArray("RAID Dell BOSS ID 0 (Name: VD_0, State: functional)", true),
            new HardwareRaidHealthPlugin.RaidArray("RAID Dell BOSS ID 1 (Name: VD_1, State: degrade)", false),
        ], HardwareRaidHealthPlugin.ParseBoss(mvcli));
        // an array whose state is missing is not called healthy
        Assert.Null(Assert.Single(HardwareRaidHealthPlugin.ParseMegaRaid("Virtual Drive: 0 (Target Id: 0)\nName :x\n")).Healthy);

        Assert.Contains("no hardware RAID management tool", await new HardwareRaidHealthPlugin("/nonexistent/megacli", "/nonexistent/ssacli", "/nonexistent/mvcli").SetupAsync(Ct), StringComparison.Ordinal);
    }
}
