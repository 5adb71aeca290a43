using System.Diagnostics;
using System.Globalization;
using System.Text;
using Pvc.Core.Networks;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Networks;

/// <summary>pvcnoded run as dnsmasq's lease script, as dnsmasq runs it (arguments and DNSMASQ_* environment), against a real ZooKeeper.</summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class LeaseHookTests(ZooKeeperFixture zk) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pvc-hook-").FullName;

    private (int Code, string Output, string Error) Hook(string config, IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "pvcnoded"), args) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PVC_DHCP_LEASE_HOOK"] = "1";
        start.Environment["DNSMASQ_BRIDGE_INTERFACE"] = "vmbr100";
        start.Environment["PVC_CONFIG_FILE"] = config;
        foreach (var (key, value) in env)
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "The hook did not end");
        return (process.ExitCode, output.Result, error.Result);
    }

    private async Task<(TestCluster Cluster, string Config)> StartAsync()
    {
        var c = await TestCluster.StartAsync(zk);
        await c.Connection.Networks.AddAsync(new NetworkSpec { Vni = 100, Description = "clients" });
        var config = Path.Combine(_dir, "pvc.conf");
        File.WriteAllText(config, $"cluster:\n  name: lab\n  coordinator_nodes: [hv1]\nnode:\n  name: hv1\n  zookeeper: {c.Chroot}\n");
        return (c, config);
    }

    [Fact]
    public async Task A_renewal_records_the_new_expiry_so_a_restarted_dnsmasq_does_not_load_a_live_lease_as_expired()
    {
        // rev14 P2-3: "old" did nothing, and ZooKeeper kept the first expiry
        var (c, config) = await StartAsync();
        await using var _ = c;
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var expires = (long s) => new Dictionary<string, string> { ["DNSMASQ_LEASE_EXPIRES"] = s.ToString(CultureInfo.InvariantCulture) };
        Assert.Equal(0, Hook(config, expires(t), "add", "52:54:00:00:00:11", "10.100.0.111", "web1").Code);
        var renewed = Hook(config, expires(t + 3600), "old", "52:54:00:00:00:11", "10.100.0.111", "web1");
        Assert.True(renewed.Code == 0, renewed.Error);
        Assert.Equal((t + 3600).ToString(CultureInfo.InvariantCulture), await c.ReadAsync("/networks/100/dhcp4_leases/52:54:00:00:00:11/expiry"));
    }

    [Fact]
    public async Task Init_prints_only_leases_whose_fields_dnsmasq_could_have_written()
    {
        // rev14 P3-2: init printed ZooKeeper's values verbatim, and "0" (never expires) for an unknown expiry
        var (c, config) = await StartAsync();
        await using var _ = c;
        var t = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        async Task LeaseAsync(string mac, string expiry, string hostname)
        {
            var path = $"/networks/100/dhcp4_leases/{mac}";
            await c.Raw.CreateAsync(path, Encoding.UTF8.GetBytes(""));
            foreach (var (key, value) in new[] { ("expiry", expiry), ("ipaddr", "10.100.0." + mac[^1..]), ("hostname", hostname), ("clientid", "*") })
                await c.Raw.CreateAsync($"{path}/{key}", Encoding.UTF8.GetBytes(value));
        }
        await LeaseAsync("52:54:00:00:00:01", t, "good");
        await LeaseAsync("52:54:00:00:00:02", t, "forged\n1 52:54:00:00:00:09 10.100.0.9 x *");
        await LeaseAsync("52:54:00:00:00:03", "0", "forever");

        var init = Hook(config, new Dictionary<string, string>(), "init");
        Assert.True(init.Code == 0, init.Error);
        Assert.Equal([$"{t} 52:54:00:00:00:01 10.100.0.1 good *"], init.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("52:54:00:00:00:02", init.Error, StringComparison.Ordinal);
        Assert.Contains("52:54:00:00:00:03", init.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_hook_mode_a_config_option_in_the_arguments_is_not_read()
    {
        // rev14 P3-3: the --config scan ran before the hook check, so arguments dnsmasq passed (the last a guest's host
        // name) chose the configuration file; before, this call failed on /nonexistent
        var (c, config) = await StartAsync();
        await using var _ = c;
        var result = Hook(config, new Dictionary<string, string>(), "tftp", "--config", "/nonexistent");
        Assert.True(result.Code == 0, result.Error);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
