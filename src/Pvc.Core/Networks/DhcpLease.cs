using System.Net;

namespace Pvc.Core.Networks;

/// <summary>A dynamic DHCP lease of a managed network, as dnsmasq's lease script records it (<c>/networks/&lt;vni&gt;/dhcp4_leases/&lt;mac&gt;</c>).</summary>
public sealed record DhcpLease
{
    /// <summary>The network's VNI.</summary>
    public required int Vni { get; init; }
    /// <summary>The client's MAC address.</summary>
    public required string MacAddress { get; init; }
    /// <summary>The leased address, or null when unreadable.</summary>
    public IPAddress? IpAddress { get; init; }
    /// <summary>The client's host name, or null.</summary>
    public string? Hostname { get; init; }
    /// <summary>When the lease ends; null for an infinite lease (dnsmasq's "0") or an unreadable value.</summary>
    public DateTimeOffset? Expiry { get; init; }
    /// <summary>The DHCP client identifier; null when the client sent none (dnsmasq's "*").</summary>
    public string? ClientId { get; init; }
}
