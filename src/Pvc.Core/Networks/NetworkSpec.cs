using System.Net;
using Pvc.Core.Schema;

namespace Pvc.Core.Networks;

/// <summary>
/// What a new network is to be (<c>pvc network add</c>). PVC's defaults are applied by <see cref="ToNetwork"/>: a managed
/// network's domain is "&lt;description&gt;.local", an IPv6 network's gateway is its prefix followed by 1, and DHCPv6 is on
/// exactly when an IPv6 network is set.
/// </summary>
public sealed record NetworkSpec
{
    /// <summary>The VXLAN (managed, 1 to 16777215) or VLAN (bridged, 1 to 4094) identifier.</summary>
    public required int Vni { get; init; }
    /// <summary>The description, unique across networks and not all digits (PVC reads a number as a VNI).</summary>
    public required string Description { get; init; }
    /// <summary>Managed (VXLAN, with gateway, DHCP and DNS on the primary) or bridged (a VLAN of the bridge device).</summary>
    public NetworkType Type { get; init; } = NetworkType.Managed;
    /// <summary>The MTU, or null for the largest the nodes' device allows.</summary>
    public int? Mtu { get; init; }
    /// <summary>The DNS domain; null for PVC's default.</summary>
    public string? Domain { get; init; }
    /// <summary>The DNS servers handed out by DHCP.</summary>
    public IReadOnlyList<IPAddress> NameServers { get; init; } = [];
    /// <summary>The IPv4 network, or null.</summary>
    public IPNetwork? Ip4Network { get; init; }
    /// <summary>The IPv4 gateway, inside <see cref="Ip4Network"/>, or null.</summary>
    public IPAddress? Ip4Gateway { get; init; }
    /// <summary>Whether DHCPv4 is served (needs the range).</summary>
    public bool Ip4Dhcp { get; init; }
    /// <summary>The first address of the DHCPv4 range.</summary>
    public IPAddress? Ip4DhcpStart { get; init; }
    /// <summary>The last address of the DHCPv4 range.</summary>
    public IPAddress? Ip4DhcpEnd { get; init; }
    /// <summary>The IPv6 network, or null.</summary>
    public IPNetwork? Ip6Network { get; init; }
    /// <summary>The IPv6 gateway; null for PVC's default (the prefix followed by 1).</summary>
    public IPAddress? Ip6Gateway { get; init; }

    /// <summary>The network this spec describes, with PVC's defaults filled in.</summary>
    public Network ToNetwork() => new()
    {
        Vni = Vni,
        Description = Description,
        Type = Type,
        Mtu = Mtu,
        Domain = Domain ?? (Type == NetworkType.Managed ? $"{Description}.local" : null),
        NameServers = [.. NameServers.Select(a => a.ToString())],
        Ip4Network = Ip4Network,
        Ip4Gateway = Ip4Gateway,
        Ip4Dhcp = Ip4Dhcp,
        Ip4DhcpStart = Ip4DhcpStart,
        Ip4DhcpEnd = Ip4DhcpEnd,
        Ip6Network = Ip6Network,
        Ip6Gateway = Ip6Gateway ?? NetworkDefaults.Ip6Gateway(Ip6Network),
        Ip6Dhcp = Ip6Network is not null,
    };
}
