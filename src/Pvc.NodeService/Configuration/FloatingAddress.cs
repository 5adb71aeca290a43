using System.Net;

namespace Pvc.NodeService.Configuration;

/// <summary>
/// One of the cluster's floating addresses (pvc.conf's <c>cluster.networks.&lt;name&gt;.ipv4.floating_address</c> with
/// its <c>netmask</c> and <c>device</c>): held by the primary coordinator only, so that clients reach "the cluster"
/// at one address whichever node is primary.
/// </summary>
/// <param name="Network">Which cluster network: upstream, cluster or storage.</param>
/// <param name="Device">The interface it goes on.</param>
/// <param name="Address">The address.</param>
/// <param name="PrefixLength">Its network's prefix length.</param>
public sealed record FloatingAddress(string Network, string Device, IPAddress Address, int PrefixLength)
{
    /// <summary>The address as <c>ip address</c> takes it.</summary>
    public string Cidr => $"{Address}/{PrefixLength.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
