using System.Management.Automation;
using System.Net;
using Pvc.Core.Networks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Changes a network (<c>pvc network modify</c>).</summary>
[Cmdlet(VerbsCommon.Set, "PvcNetwork", SupportsShouldProcess = true)]
[OutputType(typeof(Network))]
public sealed class SetPvcNetworkCommand : NetworkValuesCmdlet
{
    /// <summary>The network: its VNI or its description.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Vni")]
    [ArgumentCompleter(typeof(NetworkCompleter))]
    [ValidateNotNullOrEmpty]
    public string Network { get; set; } = "";

    /// <summary>A new description.</summary>
    [Parameter]
    public string? Description { get; set; }

    /// <summary>Back to the largest MTU the nodes' device allows.</summary>
    [Parameter]
    public SwitchParameter DefaultMtu { get; set; }

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
