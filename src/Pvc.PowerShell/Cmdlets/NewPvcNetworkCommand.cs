using System.Management.Automation;
using System.Net;
using Pvc.Core.Networks;
using Pvc.Core.Schema;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Adds a network to the cluster (<c>pvc network add</c>).</summary>
[Cmdlet(VerbsCommon.New, "PvcNetwork", SupportsShouldProcess = true)]
[OutputType(typeof(Network))]
public sealed class NewPvcNetworkCommand : ClusterCmdlet
{
    /// <summary>The VXLAN (managed) or VLAN (bridged) identifier.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public int Vni { get; set; }

    /// <summary>The description, the network's unique name.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string Description { get; set; } = "";

    /// <summary>Managed (default) or bridged.</summary>
    [Parameter]
    [ValidateSet("Managed", "Bridged")]
    public NetworkType Type { get; set; } = NetworkType.Managed;

    /// <summary>The MTU; none for the largest the nodes' device allows.</summary>
    [Parameter]
    public int? Mtu { get; set; }

    /// <summary>The DNS domain (managed default: &lt;description&gt;.local).</summary>
    [Parameter]
    public string? Domain { get; set; }

    /// <summary>The DNS servers DHCP hands out.</summary>
    [Parameter]
    public IPAddress[]? NameServer { get; set; }

    /// <summary>The IPv4 network in CIDR form.</summary>
    [Parameter]
    public IPNetwork? Ip4Network { get; set; }

    /// <summary>The IPv4 gateway.</summary>
    [Parameter]
    public IPAddress? Ip4Gateway { get; set; }

    /// <summary>Serve DHCPv4 (needs DhcpStart and DhcpEnd).</summary>
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

    /// <summary>The IPv6 gateway (default: the prefix followed by 1).</summary>
    [Parameter]
    public IPAddress? Ip6Gateway { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var spec = new NetworkSpec
        {
            Vni = Vni,
            Description = Description,
            Type = Type,
            Mtu = Mtu,
            Domain = Domain,
            NameServers = NameServer ?? [],
            Ip4Network = Ip4Network,
            Ip4Gateway = Ip4Gateway,
            Ip4Dhcp = Dhcp,
            Ip4DhcpStart = DhcpStart,
            Ip4DhcpEnd = DhcpEnd,
            Ip6Network = Ip6Network,
            Ip6Gateway = Ip6Gateway,
        };
        if (!ShouldProcess($"{Vni} ({Description})", $"Add {Type.ToString().ToLowerInvariant()} network"))
            return;
        var before = Connection.RoundTrips;
        if (TryAwait(token => Connection.Networks.AddAsync(spec, token), Vni) is null)
            return;
        Narrate($"Added network {Vni} ({Description})", before);
        if (TryAwait(token => Connection.Networks.GetAsync(Vni, token), Vni) is { } added)
            WriteResult(added);
    }
}
