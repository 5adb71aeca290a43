using System.Net;

namespace Pvc.Core.Networks;

/// <summary>
/// A change to a network (<c>pvc network modify</c>): each value that is set replaces the network's; a null leaves it as
/// it is. The type cannot change (PVC's modify has no type either). Changing the IPv6 network without a gateway gives
/// it PVC's default gateway, as PVC does.
/// </summary>
public sealed record NetworkChange
{
    /// <summary>A new description.</summary>
    public string? Description { get; init; }
    /// <summary>A new MTU.</summary>
    public int? Mtu { get; init; }
    /// <summary>Back to the largest MTU the nodes' device allows (PVC's "").</summary>
    public bool ClearMtu { get; init; }
    /// <summary>A new DNS domain.</summary>
    public string? Domain { get; init; }
    /// <summary>New DNS servers (an empty list clears them).</summary>
    public IReadOnlyList<IPAddress>? NameServers { get; init; }
    /// <summary>A new IPv4 network.</summary>
    public IPNetwork? Ip4Network { get; init; }
    /// <summary>A new IPv4 gateway.</summary>
    public IPAddress? Ip4Gateway { get; init; }
    /// <summary>DHCPv4 on or off.</summary>
    public bool? Ip4Dhcp { get; init; }
    /// <summary>A new start of the DHCPv4 range.</summary>
    public IPAddress? Ip4DhcpStart { get; init; }
    /// <summary>A new end of the DHCPv4 range.</summary>
    public IPAddress? Ip4DhcpEnd { get; init; }
    /// <summary>A new IPv6 network.</summary>
    public IPNetwork? Ip6Network { get; init; }
    /// <summary>A new IPv6 gateway.</summary>
    public IPAddress? Ip6Gateway { get; init; }

    /// <summary>Whether the change asks for anything.</summary>
    public bool IsEmpty => this == new NetworkChange();

    /// <summary>The network as it is after this change.</summary>
    public Network ApplyTo(Network network) => network with
    {
        Description = Description ?? network.Description,
        Mtu = ClearMtu ? null : Mtu ?? network.Mtu,
        Domain = Domain ?? network.Domain,
        NameServers = NameServers is { } servers ? [.. servers.Select(a => a.ToString())] : network.NameServers,
        Ip4Network = Ip4Network ?? network.Ip4Network,
        Ip4Gateway = Ip4Gateway ?? network.Ip4Gateway,
        Ip4Dhcp = Ip4Dhcp ?? network.Ip4Dhcp,
        Ip4DhcpStart = Ip4DhcpStart ?? network.Ip4DhcpStart,
        Ip4DhcpEnd = Ip4DhcpEnd ?? network.Ip4DhcpEnd,
        Ip6Network = Ip6Network ?? network.Ip6Network,
        Ip6Gateway = Ip6Gateway ?? (Ip6Network is not null ? NetworkDefaults.Ip6Gateway(Ip6Network) : network.Ip6Gateway),
        Ip6Dhcp = (Ip6Network ?? network.Ip6Network) is not null,
    };
}
