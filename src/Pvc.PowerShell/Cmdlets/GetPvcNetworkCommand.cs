using System.Globalization;
using System.Management.Automation;
using Pvc.Core.Errors;
using Pvc.Core.Networks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets the cluster's networks, with their DHCP reservations, leases and firewall rules.</summary>
[Cmdlet(VerbsCommon.Get, "PvcNetwork")]
[OutputType(typeof(Network))]
public sealed class GetPvcNetworkCommand : ClusterCmdlet
{
    /// <summary>VNIs or descriptions (wildcards allowed); every network when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Vni")]
    [ArgumentCompleter(typeof(NetworkCompleter))]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var connection = Connection;
        WriteMatching<Network>(Name, async (limit, token) =>
        {
            var networks = await connection.Networks.ListAsync((string?)null, token);
            return limit is null ? networks : [.. networks.Where(n => limit.IsMatch(n.Vni.ToString(CultureInfo.InvariantCulture)) || limit.IsMatch(n.Description))];
        }, "network", PvcErrorIds.NetworkNotFound);
    }
}
