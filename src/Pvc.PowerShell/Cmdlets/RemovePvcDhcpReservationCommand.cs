using System.Management.Automation;
using Pvc.Core.Networks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Removes a static DHCP reservation from a network (<c>pvc network dhcp remove</c>).</summary>
[Cmdlet(VerbsCommon.Remove, "PvcDhcpReservation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemovePvcDhcpReservationCommand : NetworkCmdlet
{
    /// <summary>The reservation's MAC address.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public string MacAddress { get; set; } = "";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Network, $"Remove the DHCP reservation of {MacAddress}"))
            return;
        var before = Connection.RoundTrips;
        if (TryAwait(token => Connection.Networks.RemoveReservationAsync(Network, MacAddress, token), MacAddress) is { } removed)
            Narrate($"Removed the reservation of {removed.IpAddress} for {removed.MacAddress} on network {removed.Vni}", before);
    }
}
