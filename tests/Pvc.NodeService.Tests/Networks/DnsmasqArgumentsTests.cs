using System.Net;
using Pvc.Core.Networks;
using Pvc.Core.Schema;
using Pvc.NodeService.Networks;

namespace Pvc.NodeService.Tests.Networks;

/// <summary>
/// dnsmasq's command line per managed network against PVC 1.0.3's (VXNetworkInstance.startDHCPServer), flag by flag, with
/// the changes <see cref="DnsmasqArguments"/> names where PVC's do not run on dnsmasq 2.90 (PrimaryDhcpTests runs them).
/// </summary>
public sealed class DnsmasqArgumentsTests
{
    private static readonly string[] Base =
    [
        "--conf-file=/dev/null", "--pid-file=/run/pvc/dnsmasq-100.pid",
        "--domain-needed", "--bogus-priv", "--no-hosts", "--dhcp-authoritative", "--filterwin2k", "--expand-hosts",
        "--domain=clients.lab", "--local=/clients.lab/", "--log-facility=-", "--log-dhcp", "--keep-in-foreground",
        "--leasefile-ro", "--dhcp-script=/usr/sbin/pvcnoded", "--dhcp-hostsdir=/run/pvc/dnsmasq/100", "--bind-interfaces",
    ];

    private static readonly string[] V4 =
    [
        "--listen-address=10.100.0.1", "--auth-zone=clients.lab", "--auth-peer=10.100.0.1", "--auth-server=10.100.0.1", "--auth-sec-servers=10.100.0.1",
    ];

    private static readonly string[] V4Dhcp = ["--dhcp-option=option:ntp-server,10.100.0.1", "--dhcp-range=10.100.0.100,10.100.0.199,48h"];

    private static Network Clients(bool ip4 = true, bool dhcp4 = true, bool ip6 = false, bool dhcp6 = true) => new()
    {
        Vni = 100, Description = "clients", Type = NetworkType.Managed, Domain = "clients.lab",
        Ip4Network = ip4 ? IPNetwork.Parse("10.100.0.0/24") : null, Ip4Gateway = ip4 ? IPAddress.Parse("10.100.0.1") : null,
        Ip4Dhcp = ip4 && dhcp4, Ip4DhcpStart = ip4 && dhcp4 ? IPAddress.Parse("10.100.0.100") : null, Ip4DhcpEnd = ip4 && dhcp4 ? IPAddress.Parse("10.100.0.199") : null,
        Ip6Network = ip6 ? IPNetwork.Parse("fd00:100::/64") : null, Ip6Gateway = ip6 ? IPAddress.Parse("fd00:100::1") : null, Ip6Dhcp = ip6 && dhcp6,
    };

    private static IReadOnlyList<string>? For(Network network) =>
        DnsmasqArguments.For(network, "/run/pvc/dnsmasq/100", "/usr/sbin/pvcnoded", "/run/pvc/dnsmasq-100.pid");

    [Fact]
    public void An_IPv4_network_gets_PVCs_flags_with_the_DHCPv4_ones_only_when_it_has_DHCPv4()
    {
        Assert.Equal([.. Base, .. V4, .. V4Dhcp], For(Clients()));
        Assert.Equal([.. Base, .. V4], For(Clients(dhcp4: false)));
    }

    [Fact]
    public void A_dual_stack_network_gets_PVCs_IPv6_flags_with_its_stateless_range_and_keeps_its_IPv4_ones()
    {
        // PVC: the IPv6 block in place of the IPv4 one, then the stateless range and the DHCPv4 flags; the IPv4 listen and
        // authority flags are kept (without them dnsmasq gives no DHCPv4 lease), and --auth-zone/--auth-server once
        Assert.Equal(
        [
            .. Base, .. V4,
            "--listen-address=fd00:100::1", "--auth-peer=fd00:100::1", "--auth-sec-servers=fd00:100::1",
            "--dhcp-option=option6:dns-server,[fd00:100::1]", "--dhcp-option=option6:sntp-server,[fd00:100::1]", "--enable-ra",
            "--interface=vmbr100", "--except-interface=lo",
            "--dhcp-range=net:vmbr100,::,constructor:vmbr100,ra-stateless,ra-names",
            .. V4Dhcp,
        ], For(Clients(ip6: true)));
    }

    [Fact]
    public void An_IPv6_only_network_gets_PVCs_IPv6_flags_and_its_stateful_range()
    {
        Assert.Equal(
        [
            .. Base,
            "--listen-address=fd00:100::1", "--auth-zone=clients.lab", "--auth-peer=fd00:100::1", "--auth-server=fd00:100::1", "--auth-sec-servers=fd00:100::1",
            "--dhcp-option=option6:dns-server,[fd00:100::1]", "--dhcp-option=option6:sntp-server,[fd00:100::1]", "--enable-ra",
            "--interface=vmbr100", "--except-interface=lo",
            "--dhcp-range=net:vmbr100,::2,::ffff:ffff:ffff:ffff,constructor:vmbr100,64,24h",
        ], For(Clients(ip4: false, ip6: true)));
        // an IPv4 network without DHCPv4 beside IPv6 is IPv6's stateful range too (PVC's choice is by the DHCPv4 flag)
        Assert.Contains("--dhcp-range=net:vmbr100,::2,::ffff:ffff:ffff:ffff,constructor:vmbr100,64,24h", For(Clients(dhcp4: false, ip6: true))!);
    }

    [Fact]
    public void Each_flag_is_given_once_as_dnsmasq_refuses_a_repeated_auth_server()
    {
        foreach (var network in new[] { Clients(), Clients(ip6: true), Clients(ip4: false, ip6: true), Clients(dhcp4: false, ip6: true) })
        {
            var args = For(network)!;
            Assert.Single(args, a => a.StartsWith("--auth-server=", StringComparison.Ordinal));
            Assert.Single(args, a => a.StartsWith("--auth-zone=", StringComparison.Ordinal));
            Assert.Equal(args.Count, args.Distinct(StringComparer.Ordinal).Count());
        }
    }

    [Fact]
    public void IPv6_flags_come_with_DHCPv6_only_and_a_network_without_a_gateway_to_serve_gets_no_dnsmasq()
    {
        // PVC writes its IPv6 flags by the DHCPv6 flag, not by the gateway
        Assert.Equal([.. Base, .. V4, .. V4Dhcp], For(Clients(ip6: true, dhcp6: false)));
        Assert.Null(For(Clients(ip4: false, ip6: true, dhcp6: false)));
        Assert.False(DnsmasqArguments.Serves(Clients(ip4: false, ip6: true, dhcp6: false)));
        Assert.Null(For(Clients(ip4: false)));
        Assert.True(DnsmasqArguments.Serves(Clients(ip4: false, ip6: true)));
    }
}
