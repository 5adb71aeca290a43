using System.Management.Automation;
using System.Net;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>The values of a network that New-PvcNetwork sets and Set-PvcNetwork changes, declared once.</summary>
public abstract class NetworkValuesCmdlet : ClusterCmdlet
{
    /// <summary>The MTU.</summary>
    [Parameter]
    public int? Mtu { get; set; }

    /// <summary>The DNS domain.</summary>
    [Parameter]
    public string? Domain { get; set; }

    /// <summary>The DNS servers DHCP hands out (for Set, an empty list clears them).</summary>
    [Parameter]
    [AllowEmptyCollection]
    public IPAddress[]? NameServer { get; set; }

    /// <summary>The IPv4 network in CIDR form.</summary>
    [Parameter]
    public IPNetwork? Ip4Network { get; set; }

    /// <summary>The IPv4 gateway.</summary>
    [Parameter]
    public IPAddress? Ip4Gateway { get; set; }

    /// <summary>DHCPv4 on (-Dhcp) or off (-Dhcp:$false).</summary>
    [Parameter]
    public SwitchParameter Dhcp { get; set; }

    /// <summary>The first address of the DHCPv4 range.</summary>
    [Parameter]
    public IPAddress? DhcpStart { get; set; }

    /// <summary>The last address of the DHCPv4 range.</summary>
    [Parameter]
    public IPAddress? DhcpEnd { get; set; }

    /// <summary>The IPv6 network in CIDR form.</summary>
    [Parameter]
    public IPNetwork? Ip6Network { get; set; }

    /// <summary>The IPv6 gateway.</summary>
    [Parameter]
    public IPAddress? Ip6Gateway { get; set; }
}
