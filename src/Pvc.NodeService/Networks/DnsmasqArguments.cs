using System.Net;
using Pvc.Core.Networks;

namespace Pvc.NodeService.Networks;

/// <summary>
/// dnsmasq's command line for one managed network, with PVC's flags (inventory 4.8) for DNS and IPv4 DHCP on the
/// gateway, authoritative for the network's domain. Every value comes from a network Core's reader parsed (addresses are <see cref="IPAddress"/>es, the domain
/// was validated by Core's rules when written), and each is its own argument.
/// </summary>
internal static class DnsmasqArguments
{
    /// <summary>
    /// The arguments; null when the network has no IPv4 gateway to serve on. PVC runs a dnsmasq on every managed
    /// network's gateway on the primary (its DNS, authoritative for the network's domain), and adds the DHCP options
    /// and range only when the network has DHCPv4.
    /// </summary>
    /// <exception cref="Pvc.Core.Errors.PvcException">InvalidArgument: "InvalidDomain", the network's served domain is none.</exception>
    public static IReadOnlyList<string>? For(Network network, string hostsDirectory, string leaseHook, string pidFile)
    {
        if (network.Ip4Network is null || network.Ip4Gateway is not { } gateway)
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
            $"--listen-address={gateway}",
            // authoritative for the network's domain, with zone transfers to the gateway itself: the primary's DNS
            // aggregator pulls the zone from here into PowerDNS's database (PVC's flags)
            $"--auth-zone={domain}", $"--auth-peer={gateway}", $"--auth-server={gateway}", $"--auth-sec-servers={gateway}",
        ];
        if (network.Ip4Dhcp && network.Ip4DhcpStart is { } start && network.Ip4DhcpEnd is { } end)
            args.AddRange([$"--dhcp-option=option:ntp-server,{gateway}", $"--dhcp-range={start},{end},48h"]);
        return args;
    }
}
