using System.Net;
using Pvc.Core.Schema;

namespace Pvc.Core.Networks;

/// <summary>A client network of the cluster (<c>/networks/&lt;vni&gt;</c>), with its DHCP reservations, leases and firewall rules.</summary>
public sealed record Network
{
    /// <summary>The VXLAN (managed) or VLAN (bridged) identifier.</summary>
    public required int Vni { get; init; }
    /// <summary>The description, unique across networks; its name.</summary>
    public required string Description { get; init; }
    /// <summary>Managed or bridged.</summary>
    public NetworkType Type { get; init; }
    /// <summary>The MTU, or null when unset (the nodes then use the largest the underlying device allows).</summary>
    public int? Mtu { get; init; }
    /// <summary>The DNS domain (managed networks), or null.</summary>
    public string? Domain { get; init; }
    /// <summary>The DNS servers handed out by DHCP.</summary>
    public IReadOnlyList<string> NameServers { get; init; } = [];
    /// <summary>The IPv4 network, or null.</summary>
    public IPNetwork? Ip4Network { get; init; }
    /// <summary>The IPv4 gateway (the cluster's router address on the network), or null.</summary>
    public IPAddress? Ip4Gateway { get; init; }
    /// <summary>Whether DHCPv4 is served.</summary>
    public bool Ip4Dhcp { get; init; }
    /// <summary>The first address of the DHCPv4 range, or null.</summary>
    public IPAddress? Ip4DhcpStart { get; init; }
    /// <summary>The last address of the DHCPv4 range, or null.</summary>
    public IPAddress? Ip4DhcpEnd { get; init; }
    /// <summary>The IPv6 network, or null.</summary>
    public IPNetwork? Ip6Network { get; init; }
    /// <summary>The IPv6 gateway, or null.</summary>
    public IPAddress? Ip6Gateway { get; init; }
    /// <summary>Whether DHCPv6/router advertisements are served (PVC sets it exactly when an IPv6 network is set).</summary>
    public bool Ip6Dhcp { get; init; }
    /// <summary>Static DHCP reservations, by MAC address.</summary>
    public IReadOnlyList<DhcpReservation> Reservations { get; init; } = [];
    /// <summary>Dynamic DHCP leases, by MAC address.</summary>
    public IReadOnlyList<DhcpLease> Leases { get; init; } = [];
    /// <summary>Firewall rules: inbound then outbound, each in its order.</summary>
    public IReadOnlyList<FirewallRule> FirewallRules { get; init; } = [];
}
