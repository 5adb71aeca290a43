using System.Management.Automation;
using Pvc.Core.Networks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Removes a firewall rule from a network (<c>pvc network acl remove</c>).</summary>
[Cmdlet(VerbsCommon.Remove, "PvcNetworkAcl", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemovePvcNetworkAclCommand : NetworkCmdlet
{
    /// <summary>The rule's description.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public string Description { get; set; } = "";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Network, $"Remove firewall rule '{Description}'"))
            return;
        var before = Connection.RoundTrips;
        if (TryAwait(token => Connection.Networks.RemoveAclAsync(Network, Description, token), Description) is { } removed)
            Narrate($"Removed firewall rule '{removed.Description}' from network {removed.Vni}", before);
    }
}
