using System.Management.Automation;
using Pvc.Core.Networks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets a managed network's static DHCP reservations, then its dynamic leases (<c>pvc network dhcp list</c>).</summary>
[Cmdlet(VerbsCommon.Get, "PvcDhcpLease")]
[OutputType(typeof(DhcpReservation), typeof(DhcpLease))]
public sealed class GetPvcDhcpLeaseCommand : NetworkCmdlet
{
    /// <summary>MAC addresses (wildcards allowed); all when omitted.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string[]? MacAddress { get; set; }

    /// <summary>Only the static reservations.</summary>
    [Parameter]
    public SwitchParameter Static { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var before = Connection.RoundTrips;
        if (TryAwait(token => Connection.Networks.GetAsync(Network, token), Network) is not { } network)
            return;
        var patterns = (MacAddress ?? []).Select(m => WildcardPattern.Get(m, WildcardOptions.IgnoreCase)).ToList();
        bool Wanted(string mac) => patterns.Count == 0 || patterns.Any(p => p.IsMatch(mac));
        var reservations = network.Reservations.Where(r => Wanted(r.MacAddress)).ToList();
        var leases = Static ? [] : network.Leases.Where(l => Wanted(l.MacAddress)).ToList();
        Narrate($"Listed {reservations.Count} reservation(s) and {leases.Count} lease(s) of network {network.Vni}", before);
        WriteResults(reservations);
        WriteResults(leases);
    }
}
