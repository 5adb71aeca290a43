using System.Net;
using Pvc.Core.Networks;
using Pvc.NodeService.Networks;
using Pvc.Testing.Lab;

namespace Pvc.NodeService.Tests.Networks;

/// <summary>The primary's nftables loaded by <see cref="NetworkFirewall"/> into a lab namespace and read back with <c>nft list</c>.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NetworkFirewallTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pvc-nft-").FullName;

    [Fact]
    public async Task A_static_file_nft_refuses_is_logged_and_the_networks_rules_load_all_the_same()
    {
        // review 8: static/* was included in the networks' all-or-nothing nft -f, so one bad file kept every network's rules out
        using var lab = LabNetwork.Create();
        var node = lab.Namespaces[0];
        var statics = Path.Combine(_dir, "nft", "static");
        Directory.CreateDirectory(statics);
        File.WriteAllText(Path.Combine(statics, "admin.nft"), "add rule inet no-such-table input counter accept\n");
        var log = new LineLogger();
        var firewall = new NetworkFirewall(new NftTool(node), _dir, log);
        var network = new Network { Vni = 100, Description = "clients", Ip4Network = IPNetwork.Parse("10.100.0.0/24"), Ip4Gateway = IPAddress.Parse("10.100.0.1") };

        await firewall.ApplyAsync([network], default);

        Assert.True(firewall.IsLoaded);
        var table = LabCommand.TryRun("ip", ["netns", "exec", node, "nft", "list", "table", "inet", NetworkFirewall.Table]).Output;
        Assert.Contains("chain vxlan100-in", table, StringComparison.Ordinal);
        Assert.Contains("ip daddr 10.100.0.0/24 counter packets 0 bytes 0 jump vxlan100-in", table, StringComparison.Ordinal);
        Assert.Contains(log.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning
            && l.Text.Contains("static", StringComparison.Ordinal) && l.Text.Contains("no-such-table", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
