using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Pvc.Core.Errors;
using Pvc.Core.Schema;

namespace Pvc.Core.Networks;

/// <summary>
/// The rules a network must keep before it is written: the node services turn these values into interfaces, dnsmasq
/// arguments and files, so anything they could not use is refused here, with what to do instead.
/// </summary>
public static partial class NetworkValidation
{
    /// <summary>The largest VXLAN identifier (24 bits).</summary>
    public const int MaxVxlanId = 16_777_215;

    /// <summary>The largest 802.1Q VLAN identifier.</summary>
    public const int MaxVlanId = 4094;

    /// <summary>The smallest MTU a network may have (IPv4's minimum datagram size).</summary>
    public const int MinMtu = 576;

    /// <summary>The largest MTU a network may have (jumbo frames); the nodes cap it further at their device's limit.</summary>
    public const int MaxMtu = 9216;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex DescriptionPattern();

    [GeneratedRegex(@"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainPattern();

    /// <summary>Checks a whole network as it would be written.</summary>
    /// <exception cref="PvcException">InvalidArgument, with the id of the first rule it breaks.</exception>
    public static void Validate(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var vni = network.Vni;
        if (network.Type is not (NetworkType.Managed or NetworkType.Bridged))
            throw Invalid(PvcErrorIds.InvalidNetworkType, vni, $"The network {vni} is neither managed nor bridged: give its type (PVC's keys hold an unknown one).");
        var max = network.Type == NetworkType.Bridged ? MaxVlanId : MaxVxlanId;
        if (vni < 1 || vni > max)
            throw Invalid(PvcErrorIds.InvalidVni, vni,
                $"The VNI {vni} is out of range: a {Wire.NetworkType.Encode(network.Type)} network's is 1 to {max.ToString(CultureInfo.InvariantCulture)}{(network.Type == NetworkType.Bridged ? " (its VLAN id)" : " (its VXLAN id)")}.");
        ValidateDescription(network.Description);
        if (network.Mtu is { } mtu && (mtu < MinMtu || mtu > MaxMtu))
            throw Invalid(PvcErrorIds.InvalidMtu, mtu, $"The MTU {mtu} is out of range: give {MinMtu} to {MaxMtu}, or none for the largest the nodes' device allows.");
        if (network.Domain is { } domain && !DomainPattern().IsMatch(domain))
            throw Invalid(PvcErrorIds.InvalidDomain, domain, $"'{domain}' is not a DNS domain: give dot-separated labels of letters, digits and hyphens.");
        foreach (var server in network.NameServers)
            if (!IPAddress.TryParse(server, out _))
                throw Invalid(PvcErrorIds.InvalidNameServer, server, $"The name server '{server}' is not an IP address.");

        if (network.Type == NetworkType.Bridged && (network.Ip4Dhcp || network.Ip4Gateway is not null || network.Ip6Gateway is not null))
            throw Invalid(PvcErrorIds.NetworkNotManaged, vni,
                $"The network {vni} is bridged: the cluster is not its router, so it has no gateway and no DHCP. Leave them out, or make a managed network.");

        ValidateFamily(network.Ip4Network, AddressFamily.InterNetwork, "IPv4");
        ValidateFamily(network.Ip6Network, AddressFamily.InterNetworkV6, "IPv6");
        ValidateGateway(network.Ip4Network, network.Ip4Gateway, "IPv4");
        ValidateGateway(network.Ip6Network, network.Ip6Gateway, "IPv6");
        if (network.Ip4Dhcp)
            ValidateDhcp(network);
    }

    /// <summary>Checks a network's description.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidNetworkDescription".</exception>
    public static void ValidateDescription(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (!DescriptionPattern().IsMatch(description) || description.All(char.IsAsciiDigit))
            throw Invalid(PvcErrorIds.InvalidNetworkDescription, description,
                $"'{description}' cannot be a network's description: give 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit, and not only digits (PVC reads a number as a VNI).");
    }

    /// <summary>
    /// Checks a firewall rule's text: the primary hands it to nft as the arguments of one <c>add rule</c> command, and nft
    /// parses its arguments joined, so whatever could end that command or open a block in it (a control character, ';',
    /// '#', '{' or '}') is refused; nftables judges the rest when the primary loads it.
    /// </summary>
    /// <returns>The rule, trimmed.</returns>
    /// <exception cref="PvcException">InvalidArgument: "InvalidAclRule".</exception>
    public static string ValidateAclRule(string rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var trimmed = rule.Trim();
        if (trimmed.Length == 0 || trimmed.Any(c => char.IsControl(c) || c is ';' or '#' or '{' or '}'))
            throw Invalid(PvcErrorIds.InvalidAclRule, rule,
                $"'{rule}' cannot be a firewall rule: give one nftables rule on one line, without ';', '#', '{{' or '}}' (write a set as one rule per element).");
        return trimmed;
    }

    /// <summary>
    /// The DNS domain a managed network's DHCP server serves: its own, or PVC's default "&lt;description&gt;.local".
    /// </summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidDomain" when the default is no DNS domain (a description with '_' or "..").</exception>
    public static string ServedDomain(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var domain = network.Domain ?? $"{network.Description}.local";
        return DomainPattern().IsMatch(domain) ? domain
            : throw Invalid(PvcErrorIds.InvalidDomain, domain,
                $"The network {network.Vni} has no domain of its own and its default '{domain}' is not a DNS domain: give the network a domain.");
    }

    /// <summary>
    /// Checks a DHCP reservation against its network as the node serves it: a MAC address in PVC's form and a client
    /// address of the network's IPv4 network other than its gateway (a reservation written past Core's checks could
    /// otherwise add dnsmasq host fields, or hand out the gateway).
    /// </summary>
    /// <returns>The reservation's MAC address, normalised.</returns>
    /// <exception cref="PvcException">InvalidArgument: "InvalidMacAddress", "InvalidReservationAddress".</exception>
    public static string ValidateReservation(Network network, DhcpReservation reservation)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(reservation);
        var mac = NetworkOperations.NormalizeMac(reservation.MacAddress);
        if (reservation.IpAddress is not { } address || network.Ip4Network is not { } subnet || address.AddressFamily != AddressFamily.InterNetwork
            || !subnet.Contains(address) || address.Equals(subnet.BaseAddress) || address.Equals(Broadcast(subnet)) || address.Equals(network.Ip4Gateway))
            throw Invalid(PvcErrorIds.InvalidReservationAddress, mac,
                $"The reservation of {mac} on network {network.Vni} gives {reservation.IpAddress?.ToString() ?? "no address"}, which is not a client address of {network.Ip4Network?.ToString() ?? "its (missing) IPv4 network"}: remove it and reserve an address inside the network, other than the gateway.");
        return mac;
    }

    private static void ValidateFamily(IPNetwork? network, AddressFamily family, string name)
    {
        if (network is { } n && n.BaseAddress.AddressFamily != family)
            throw Invalid(PvcErrorIds.InvalidNetworkAddress, n.ToString(), $"{n} is not an {name} network.");
        if (network is { } small && family == AddressFamily.InterNetwork && small.PrefixLength > 30)
            throw Invalid(PvcErrorIds.InvalidNetworkAddress, small.ToString(), $"{small} has no room for a gateway and clients: give a prefix of /30 or shorter.");
    }

    private static void ValidateGateway(IPNetwork? network, IPAddress? gateway, string name)
    {
        if (gateway is null)
            return;
        if (network is not { } n)
            throw Invalid(PvcErrorIds.GatewayOutsideNetwork, gateway.ToString(), $"The {name} gateway {gateway} needs an {name} network to be in: give the network too.");
        if (!n.Contains(gateway) || gateway.Equals(n.BaseAddress) || (name == "IPv4" && gateway.Equals(Broadcast(n))))
            throw Invalid(PvcErrorIds.GatewayOutsideNetwork, gateway.ToString(), $"The {name} gateway {gateway} is not a host address of {n}: give an address inside the network.");
    }

    private static void ValidateDhcp(Network network)
    {
        var vni = network.Vni;
        if (network.Ip4Network is not { } n || network.Ip4Gateway is not { } gateway)
            throw Invalid(PvcErrorIds.InvalidDhcpRange, vni, "DHCPv4 needs the network's IPv4 network and gateway (dnsmasq listens on the gateway): give both.");
        if (network.Ip4DhcpStart is not { } start || network.Ip4DhcpEnd is not { } end)
            throw Invalid(PvcErrorIds.InvalidDhcpRange, vni, "DHCPv4 needs the start and end addresses of its range: give both.");
        foreach (var a in new[] { start, end })
            if (a.AddressFamily != AddressFamily.InterNetwork || !n.Contains(a) || a.Equals(n.BaseAddress) || a.Equals(Broadcast(n)))
                throw Invalid(PvcErrorIds.InvalidDhcpRange, a.ToString(), $"The DHCP range's address {a} is not a host address of {n}: the range must lie inside the network.");
        if (ToNumber(start) > ToNumber(end))
            throw Invalid(PvcErrorIds.InvalidDhcpRange, vni, $"The DHCP range starts at {start}, after its end {end}: give the lower address as the start.");
        if (ToNumber(gateway) >= ToNumber(start) && ToNumber(gateway) <= ToNumber(end))
            throw Invalid(PvcErrorIds.DhcpRangeIncludesGateway, gateway.ToString(),
                $"The DHCP range {start} to {end} includes the gateway {gateway}, which dnsmasq would hand out to a client: move the range or the gateway.");
    }

    /// <summary>An IPv4 address as a number, for range comparisons.</summary>
    internal static uint ToNumber(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    private static IPAddress Broadcast(IPNetwork network)
    {
        if (network.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
            return network.BaseAddress;
        var host = network.PrefixLength == 0 ? uint.MaxValue : (1u << (32 - network.PrefixLength)) - 1;
        var value = ToNumber(network.BaseAddress) | host;
        return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }

    private static PvcException Invalid(string errorId, object target, string message) =>
        new(PvcErrorKind.InvalidArgument, errorId, message) { Target = target };
}
