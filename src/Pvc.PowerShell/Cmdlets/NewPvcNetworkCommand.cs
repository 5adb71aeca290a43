using System.Management.Automation;
using System.Net;
using Pvc.Core.Networks;
using Pvc.Core.Schema;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Adds a network to the cluster (<c>pvc network add</c>).</summary>
[Cmdlet(VerbsCommon.New, "PvcNetwork", SupportsShouldProcess = true)]
[OutputType(typeof(Network))]
public sealed class NewPvcNetworkCommand : NetworkValuesCmdlet
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
