using System.Net;

namespace Pvc.Core.Networks;

/// <summary>A static DHCP reservation of a managed network (<c>/networks/&lt;vni&gt;/dhcp4_reservations/&lt;mac&gt;</c>).</summary>
public sealed record DhcpReservation
{
    /// <summary>The network's VNI.</summary>
    public required int Vni { get; init; }
    /// <summary>The client's MAC address, lowercase as PVC stores it.</summary>
    public required string MacAddress { get; init; }
    /// <summary>The reserved address, or null when unset or unreadable.</summary>
    public IPAddress? IpAddress { get; init; }
    /// <summary>The client's host name, or null.</summary>
    public string? Hostname { get; init; }
}
