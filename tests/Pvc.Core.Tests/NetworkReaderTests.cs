using System.Net;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Networks;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class NetworkReaderTests(ZooKeeperFixture zk)
{
    /// <summary>The keys network.add_network writes (str() of each value), for a managed and a bridged network.</summary>
    private static void AddNetwork(SeedBatch seed, int vni, string description, string type, string mtu, string domain, string nameServers,
        string ip4Network, string ip4Gateway, string dhcp4, string dhcp4Start, string dhcp4End, string ip6Network, string ip6Gateway, string dhcp6)
    {
        var n = $"/networks/{vni}";
        seed.Add(n, description).Add($"{n}/nettype", type).Add($"{n}/mtu", mtu).Add($"{n}/domain", domain)
            .Add($"{n}/name_servers", nameServers).Add($"{n}/ip6_network", ip6Network).Add($"{n}/ip6_gateway", ip6Gateway)
            .Add($"{n}/dhcp6_flag", dhcp6).Add($"{n}/ip4_network", ip4Network).Add($"{n}/ip4_gateway", ip4Gateway)
            .Add($"{n}/dhcp4_flag", dhcp4).Add($"{n}/dhcp4_start", dhcp4Start).Add($"{n}/dhcp4_end", dhcp4End)
            .Add($"{n}/dhcp4_leases").Add($"{n}/dhcp4_reservations").Add($"{n}/firewall_rules")
            .Add($"{n}/firewall_rules/in").Add($"{n}/firewall_rules/out");
    }

    private static async Task<string> SeedAsync(ZooKeeperFixture zk)
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await Pvc.ZooKeeper.ZooKeeperClient.ConnectAsync(chroot);
        var seed = PvcSeed.Batch(client).Add("/networks").Lock("/networks");
        AddNetwork(seed, 100, "clients", "managed", "", "clients.local", "10.100.0.1,1.1.1.1",
            "10.100.0.0/24", "10.100.0.1", "True", "10.100.0.100", "10.100.0.199", "2001:db8:100::/64", "2001:db8:100::1", "True");
        AddNetwork(seed, 200, "storage-vlan", "bridged", "9000", "None", "",
            "None", "None", "False", "None", "None", "", "", "False");
        AddNetwork(seed, 1001, "web", "managed", "1450", "web.local", "",
            "192.168.10.0/24", "192.168.10.1", "False", "None", "None", "", "", "False");

        // network.add_dhcp_reservation (MACs lowercase; root "static")
        seed.Add("/networks/100/dhcp4_reservations/52:54:00:aa:bb:01", "static")
            .Add("/networks/100/dhcp4_reservations/52:54:00:aa:bb:01/hostname", "db1")
            .Add("/networks/100/dhcp4_reservations/52:54:00:aa:bb:01/ipaddr", "10.100.0.10")
            .Lock("/networks/100/dhcp4_reservations");
        // the dnsmasq lease script: root "", expiry, ipaddr, hostname, clientid ("*" when none, expiry "0" when infinite)
        seed.Add("/networks/100/dhcp4_leases/52:54:00:cc:dd:02")
            .Add("/networks/100/dhcp4_leases/52:54:00:cc:dd:02/expiry", "1704362400")
            .Add("/networks/100/dhcp4_leases/52:54:00:cc:dd:02/ipaddr", "10.100.0.150")
            .Add("/networks/100/dhcp4_leases/52:54:00:cc:dd:02/hostname", "laptop")
            .Add("/networks/100/dhcp4_leases/52:54:00:cc:dd:02/clientid", "01:52:54:00:cc:dd:02")
            .Add("/networks/100/dhcp4_leases/52:54:00:cc:dd:03")
            .Add("/networks/100/dhcp4_leases/52:54:00:cc:dd:03/expiry", "0")
            .Add("/networks/100/dhcp4_leases/52:54:00:cc:dd:03/ipaddr", "10.100.0.151")
            .Add("/networks/100/dhcp4_leases/52:54:00:cc:dd:03/hostname", "")
            .Add("/networks/100/dhcp4_leases/52:54:00:cc:dd:03/clientid", "*");
        // network.add_acl: root "", order (int), rule
        seed.Add("/networks/100/firewall_rules/in/allow-ssh").Add("/networks/100/firewall_rules/in/allow-ssh/order", "1")
            .Add("/networks/100/firewall_rules/in/allow-ssh/rule", "tcp dport 22 counter accept")
            .Add("/networks/100/firewall_rules/in/allow-web").Add("/networks/100/firewall_rules/in/allow-web/order", "0")
            .Add("/networks/100/firewall_rules/in/allow-web/rule", "tcp dport { 80, 443 } counter accept")
            .Add("/networks/100/firewall_rules/out/drop-smtp").Add("/networks/100/firewall_rules/out/drop-smtp/order", "0")
            .Add("/networks/100/firewall_rules/out/drop-smtp/rule", "tcp dport 25 drop")
            .Lock("/networks/100/firewall_rules/in", 2)
            .Lock("/networks/100/nettype", 3);
        await seed.CommitAsync();
        return chroot;
    }

    [Fact]
    public async Task Lists_networks_typed_with_reservations_leases_and_ordered_rules()
    {
        await using var c = await ClusterConnection.ConnectAsync(new() { Servers = [await SeedAsync(zk)] });
        var networks = await c.Networks.ListAsync();

        Assert.Equal([100, 200, 1001], networks.Select(n => n.Vni));
        var managed = networks[0];
        Assert.Equal("clients", managed.Description);
        Assert.Equal(NetworkType.Managed, managed.Type);
        Assert.Null(managed.Mtu);
        Assert.Equal("clients.local", managed.Domain);
        Assert.Equal(["10.100.0.1", "1.1.1.1"], managed.NameServers);
        Assert.Equal(IPNetwork.Parse("10.100.0.0/24"), managed.Ip4Network);
        Assert.Equal(IPAddress.Parse("10.100.0.1"), managed.Ip4Gateway);
        Assert.True(managed.Ip4Dhcp);
        Assert.Equal(IPAddress.Parse("10.100.0.100"), managed.Ip4DhcpStart);
        Assert.Equal(IPAddress.Parse("10.100.0.199"), managed.Ip4DhcpEnd);
        Assert.Equal(IPNetwork.Parse("2001:db8:100::/64"), managed.Ip6Network);
        Assert.Equal(IPAddress.Parse("2001:db8:100::1"), managed.Ip6Gateway);
        Assert.True(managed.Ip6Dhcp);

        var reservation = Assert.Single(managed.Reservations);
        Assert.Equal(new DhcpReservation { Vni = 100, MacAddress = "52:54:00:aa:bb:01", IpAddress = IPAddress.Parse("10.100.0.10"), Hostname = "db1" }, reservation);

        Assert.Equal(2, managed.Leases.Count);
        Assert.Equal("52:54:00:cc:dd:02", managed.Leases[0].MacAddress);
        Assert.Equal(IPAddress.Parse("10.100.0.150"), managed.Leases[0].IpAddress);
        Assert.Equal("laptop", managed.Leases[0].Hostname);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1704362400), managed.Leases[0].Expiry);
        Assert.Equal("01:52:54:00:cc:dd:02", managed.Leases[0].ClientId);
        Assert.Null(managed.Leases[1].Expiry);
        Assert.Null(managed.Leases[1].ClientId);
        Assert.Null(managed.Leases[1].Hostname);

        Assert.Equal(
            [(FirewallDirection.In, "allow-web", 0), (FirewallDirection.In, "allow-ssh", 1), (FirewallDirection.Out, "drop-smtp", 0)],
            managed.FirewallRules.Select(r => (r.Direction, r.Description, r.Order ?? -1)));
        Assert.Equal("tcp dport { 80, 443 } counter accept", managed.FirewallRules[0].Rule);
        Assert.All(managed.FirewallRules, r => Assert.Equal(100, r.Vni));

        var bridged = networks[1];
        Assert.Equal(NetworkType.Bridged, bridged.Type);
        Assert.Equal(9000, bridged.Mtu);
        Assert.Null(bridged.Domain);
        Assert.Empty(bridged.NameServers);
        Assert.Null(bridged.Ip4Network);
        Assert.Null(bridged.Ip4Gateway);
        Assert.False(bridged.Ip4Dhcp);
        Assert.Null(bridged.Ip4DhcpStart);
        Assert.Null(bridged.Ip6Network);
        Assert.Null(bridged.Ip6Gateway);
        Assert.False(bridged.Ip6Dhcp);
        Assert.Empty(bridged.Reservations);
        Assert.Empty(bridged.Leases);
        Assert.Empty(bridged.FirewallRules);
    }

    [Theory]
    [InlineData("web", new[] { 1001 })]           // fuzzy on the description
    [InlineData("^web$", new[] { 1001 })]
    [InlineData("^storage", new[] { 200 })]
    [InlineData("10", new[] { 100, 1001 })]      // fuzzy on the VNI; 1001 once although it matches twice
    [InlineData("^100$", new[] { 100 })]
    [InlineData("nothing", new int[0])]
    public async Task The_limit_matches_the_vni_or_the_description(string limit, int[] expected)
    {
        await using var c = await ClusterConnection.ConnectAsync(new() { Servers = [await SeedAsync(zk)] });
        Assert.Equal(expected, (await c.Networks.ListAsync(limit)).Select(n => n.Vni));
    }

    [Fact]
    public async Task Gets_by_vni_or_description_and_reports_a_missing_network()
    {
        await using var c = await ClusterConnection.ConnectAsync(new() { Servers = [await SeedAsync(zk)] });
        Assert.Equal("web", (await c.Networks.GetAsync(1001)).Description);
        Assert.Equal("web", (await c.Networks.GetAsync("1001")).Description);
        Assert.Equal(200, (await c.Networks.GetAsync("storage-vlan")).Vni);

        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => c.Networks.GetAsync(4242));
        Assert.Equal("NetworkNotFound", e.ErrorId);
        Assert.Equal(PvcErrorKind.NotFound, e.Kind);
        e = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => c.Networks.GetAsync("no-such-net"));
        Assert.Equal("NetworkNotFound", e.ErrorId);
        Assert.Equal("no-such-net", e.Target);
    }

    [Fact]
    public async Task A_bad_limit_is_an_argument_error()
    {
        await using var c = await ClusterConnection.ConnectAsync(new() { Servers = [await SeedAsync(zk)] });
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => c.Networks.ListAsync("web("));
        Assert.Equal("InvalidLimit", e.ErrorId);
    }

    [Fact]
    public async Task An_uninitialised_cluster_has_no_networks()
    {
        await using var c = await ClusterConnection.ConnectAsync(new() { Servers = [await zk.NewChrootAsync()] });
        Assert.Empty(await c.Networks.ListAsync());
    }

    [Fact]
    public async Task Listing_takes_the_same_round_trips_for_2_and_for_100_networks()
    {
        async Task<int> WavesAsync(int count)
        {
            var chroot = await zk.NewChrootAsync();
            await using (var client = await Pvc.ZooKeeper.ZooKeeperClient.ConnectAsync(chroot))
            {
                var seed = PvcSeed.Batch(client);
                for (var vni = 1; vni <= count; vni++)
                {
                    AddNetwork(seed, vni, $"net{vni}", "managed", "", $"net{vni}.local", "", $"10.0.{vni}.0/24", $"10.0.{vni}.1", "False", "None", "None", "", "", "False");
                    seed.Add($"/networks/{vni}/dhcp4_reservations/52:54:00:00:00:01", "static")
                        .Add($"/networks/{vni}/dhcp4_reservations/52:54:00:00:00:01/ipaddr", $"10.0.{vni}.5")
                        .Add($"/networks/{vni}/dhcp4_reservations/52:54:00:00:00:01/hostname", "h");
                }
                await seed.CommitAsync();
            }
            await using var c = await ClusterConnection.ConnectAsync(new() { Servers = [chroot] });
            var counter = new ReadCounter();
            var networks = await c.Networks.ListAsync(counter: counter);
            Assert.Equal(count, networks.Count);
            Assert.All(networks, n => Assert.Single(n.Reservations));
            return counter.Waves;
        }

        Assert.Equal(await WavesAsync(2), await WavesAsync(100));
    }
}
