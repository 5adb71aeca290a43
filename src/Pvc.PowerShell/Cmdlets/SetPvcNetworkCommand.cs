using System.Management.Automation;
using System.Net;
using Pvc.Core.Networks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Changes a network (<c>pvc network modify</c>).</summary>
[Cmdlet(VerbsCommon.Set, "PvcNetwork", SupportsShouldProcess = true)]
[OutputType(typeof(Network))]
public sealed class SetPvcNetworkCommand : NetworkCmdlet
{
    /// <summary>A new description.</summary>
    [Parameter]
    public string? Description { get; set; }

    /// <summary>A new MTU.</summary>
    [Parameter]
    public int? Mtu { get; set; }

    /// <summary>Back to the largest MTU the nodes' device allows.</summary>
    [Parameter]
    public SwitchParameter DefaultMtu { get; set; }

    /// <summary>A new DNS domain.</summary>
    [Parameter]
    public string? Domain { get; set; }

    /// <summary>New DNS servers (an empty list clears them).</summary>
    [Parameter]
    [AllowEmptyCollection]
    public IPAddress[]? NameServer { get; set; }

    /// <summary>A new IPv4 network.</summary>
    [Parameter]
    public IPNetwork? Ip4Network { get; set; }

    /// <summary>A new IPv4 gateway.</summary>
    [Parameter]
    public IPAddress? Ip4Gateway { get; set; }

    /// <summary>DHCPv4 on (-Dhcp) or off (-Dhcp:$false).</summary>
    [Parameter]
    public SwitchParameter Dhcp { get; set; }

    /// <summary>A new first address of the DHCPv4 range.</summary>
    [Parameter]
    public IPAddress? DhcpStart { get; set; }

    /// <summary>A new last address of the DHCPv4 range.</summary>
    [Parameter]
    public IPAddress? DhcpEnd { get; set; }

    /// <summary>A new IPv6 network.</summary>
    [Parameter]
    public IPNetwork? Ip6Network { get; set; }

    /// <summary>A new IPv6 gateway.</summary>
    [Parameter]
    public IPAddress? Ip6Gateway { get; set; }

    /// <summary>Return the network as changed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var change = new NetworkChange
        {
            Description = Description,
            Mtu = Mtu,
            ClearMtu = DefaultMtu,
            Domain = Domain,
            NameServers = NameServer,
            Ip4Network = Ip4Network,
            Ip4Gateway = Ip4Gateway,
            Ip4Dhcp = MyInvocation.BoundParameters.ContainsKey(nameof(Dhcp)) ? Dhcp.IsPresent : null,
            Ip4DhcpStart = DhcpStart,
            Ip4DhcpEnd = DhcpEnd,
            Ip6Network = Ip6Network,
            Ip6Gateway = Ip6Gateway,
        };
        var asked = string.Join(", ", MyInvocation.BoundParameters.Keys.Where(k => k is not (nameof(Network) or nameof(PassThru) or nameof(Cluster)) && !Common.Contains(k)));
        // an empty change is refused by Core, with nothing to confirm
        if (!change.IsEmpty && !ShouldProcess(Network, $"Change network ({asked})"))
            return;
        var before = Connection.RoundTrips;
        if (TryAwait(token => Connection.Networks.ModifyAsync(Network, change, token), Network) is not { } changed)
            return;
        Narrate($"Changed network {changed.Vni} ({asked})", before);
        if (PassThru && TryAwait(token => Connection.Networks.GetAsync(changed.Vni, token), Network) is { } read)
            WriteResult(read);
    }

    private static readonly HashSet<string> Common = new(Cmdlet.CommonParameters.Concat(Cmdlet.OptionalCommonParameters), StringComparer.OrdinalIgnoreCase);
}
