using System.Management.Automation;
using System.Net;
using Pvc.Core.Networks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Adds a static DHCP reservation to a managed network (<c>pvc network dhcp add</c>).</summary>
[Cmdlet(VerbsCommon.Add, "PvcDhcpReservation", SupportsShouldProcess = true)]
[OutputType(typeof(DhcpReservation))]
public sealed class AddPvcDhcpReservationCommand : NetworkCmdlet
{
    /// <summary>The address to reserve.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public IPAddress IpAddress { get; set; } = IPAddress.None;

    /// <summary>The client's host name.</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    public string Hostname { get; set; } = "";

    /// <summary>The client's MAC address.</summary>
    [Parameter(Mandatory = true, Position = 3, ValueFromPipelineByPropertyName = true)]
    public string MacAddress { get; set; } = "";

    /// <summary>Return the reservation.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Network, $"Reserve {IpAddress} for {MacAddress} ({Hostname})"))
            return;
        var before = Connection.RoundTrips;
        if (TryAwait(token => Connection.Networks.AddReservationAsync(Network, MacAddress, IpAddress, Hostname, token), MacAddress) is not { } added)
            return;
        Narrate($"Reserved {added.IpAddress} for {added.MacAddress} on network {added.Vni}", before);
        if (PassThru)
            WriteResult(added);
    }
}
