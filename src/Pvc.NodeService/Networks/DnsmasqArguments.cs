using System.Net;
using Pvc.Core.Networks;

namespace Pvc.NodeService.Networks;

/// <summary>
/// dnsmasq's command line for one managed network, with PVC's flags (inventory 4.8; PVC's VXNetworkInstance
/// startDHCPServer) for DNS on the gateways, authoritative for the network's domain, IPv4 DHCP, and with DHCPv6 the
/// IPv6 router advertisements and DHCPv6. Every value comes from a network Core's reader parsed (addresses are
/// <see cref="IPAddress"/>es, the domain was validated by Core's rules when written), and each is its own argument.
/// </summary>
/// <remarks>
/// Where PVC 1.0.3's IPv6 flags do not run on dnsmasq 2.90 they are changed, each shown by PrimaryDhcpTests with the
/// real dnsmasq: (1) a dual-stack network keeps the IPv4 listen and authority flags (PVC writes only the IPv6 ones when
/// DHCPv6 is on, and dnsmasq then gives no DHCPv4 lease and no DNS on the IPv4 gateway); (2) a flag PVC writes twice
/// (<c>--auth-server</c> on an IPv6-only network, <c>--auth-zone</c>/<c>--auth-server</c> of both families) is written once,
/// since dnsmasq refuses a repeated <c>--auth-server</c> ("illegal repeated flag") and does not start; (3) with IPv6
/// the bridge is named (<c>--interface=vmbr&lt;vni&gt;</c>, and <c>--except-interface=lo</c> against the loopback
/// dnsmasq adds with it, which every network's dnsmasq would otherwise try to hold): dnsmasq answers router
/// solicitations, builds the <c>constructor:</c> range and serves DHCPv6 only on an interface named so, not on one it
/// reaches by a listen address.
/// </remarks>
internal static class DnsmasqArguments
{
    /// <summary>
    /// Whether the network gets a dnsmasq: PVC runs one on every managed network's gateway on the primary (its DNS,
    /// authoritative for the network's domain) with an IPv4 gateway or with DHCPv6 on an IPv6 gateway.
    /// </summary>
    public static bool Serves(Network network) => Gateway4(network) is not null || Gateway6(network) is not null;

    /// <summary>
    /// The arguments; null when the network has no gateway to serve on (<see cref="Serves"/>). The DHCPv4 options and
    /// range come only when the network has DHCPv4; with DHCPv6 the IPv6 flags, and PVC's stateless range with
    /// DHCPv4-derived names on a dual-stack network or its stateful range (::2 to ::ffff:ffff:ffff:ffff, /64, 24 h) on an
    /// IPv6-only one.
    /// </summary>
    /// <exception cref="Pvc.Core.Errors.PvcException">InvalidArgument: "InvalidDomain", the network's served domain is none.</exception>
    public static IReadOnlyList<string>? For(Network network, string hostsDirectory, string leaseHook, string pidFile)
    {
        var gateway4 = Gateway4(network);
        var gateway6 = Gateway6(network);
        if (gateway4 is null && gateway6 is null)
            return null;
        // a default from a description dnsmasq would refuse ('_', "..") is refused here, with what to do
        var domain = NetworkValidation.ServedDomain(network);
        List<string> args =
        [
            // no configuration file: everything the network needs is here (a host's /etc/dnsmasq.conf must not add to it)
            "--conf-file=/dev/null",
            $"--pid-file={pidFile}",
            "--domain-needed", "--bogus-priv", "--no-hosts", "--dhcp-authoritative", "--filterwin2k", "--expand-hosts",
            $"--domain={domain}", $"--local=/{domain}/", "--log-facility=-", "--log-dhcp", "--keep-in-foreground",
            "--leasefile-ro", $"--dhcp-script={leaseHook}", $"--dhcp-hostsdir={hostsDirectory}", "--bind-interfaces",
        ];
        if (gateway4 is not null)
            // authoritative for the network's domain, with zone transfers to the gateway itself: the primary's DNS
            // aggregator pulls the zone from here into PowerDNS's database (PVC's flags)
            args.AddRange([
                $"--listen-address={gateway4}",
                $"--auth-zone={domain}", $"--auth-peer={gateway4}", $"--auth-server={gateway4}", $"--auth-sec-servers={gateway4}",
            ]);
        var dhcp4 = gateway4 is not null && network.Ip4Dhcp && network.Ip4DhcpStart is not null && network.Ip4DhcpEnd is not null;
        if (gateway6 is not null)
        {
            var bridge = NetworkLinks.BridgeName(network.Vni);
            args.Add($"--listen-address={gateway6}");
            if (gateway4 is null)
                args.Add($"--auth-zone={domain}");
            args.Add($"--auth-peer={gateway6}");
            if (gateway4 is null)
                args.Add($"--auth-server={gateway6}");
            args.AddRange([
                $"--auth-sec-servers={gateway6}",
                $"--dhcp-option=option6:dns-server,[{gateway6}]", $"--dhcp-option=option6:sntp-server,[{gateway6}]",
                "--enable-ra", $"--interface={bridge}", "--except-interface=lo",
                dhcp4
                    ? $"--dhcp-range=net:{bridge},::,constructor:{bridge},ra-stateless,ra-names"
                    : $"--dhcp-range=net:{bridge},::2,::ffff:ffff:ffff:ffff,constructor:{bridge},64,24h",
            ]);
        }
        if (dhcp4)
            args.AddRange([$"--dhcp-option=option:ntp-server,{gateway4}", $"--dhcp-range={network.Ip4DhcpStart},{network.Ip4DhcpEnd},48h"]);
        return args;
    }

    /// <summary>The IPv4 gateway dnsmasq listens on, when the network has one.</summary>
    private static IPAddress? Gateway4(Network network) =>
        network.Ip4Network is not null && network.Ip4Gateway is { AddressFamily: System.Net.Sockets.AddressFamily.InterNetwork } gateway ? gateway : null;

    /// <summary>The IPv6 gateway dnsmasq listens on and advertises, when the network has DHCPv6 (PVC's condition for its IPv6 flags) on one.</summary>
    private static IPAddress? Gateway6(Network network) =>
        network.Ip6Dhcp && network.Ip6Network is not null && network.Ip6Gateway is { } gateway
        && gateway.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && gateway.ScopeId == 0 ? gateway : null;
}
