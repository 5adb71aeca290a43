using System.Management.Automation;
using Pvc.Core.Networks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Removes a network and its reservations, leases and firewall rules (<c>pvc network remove</c>).</summary>
[Cmdlet(VerbsCommon.Remove, "PvcNetwork", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemovePvcNetworkCommand : NetworkCmdlet
{
    /// <summary>Remove it even though VMs have NICs on it.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Network, Force ? "Remove network, even with VMs on it" : "Remove network"))
            return;
        var before = Connection.RoundTrips;
        if (TryAwait(token => Connection.Networks.RemoveAsync(Network, Force, token), Network) is { } removed)
            Narrate($"Removed network {removed.Vni} ({removed.Description})", before);
    }
}
