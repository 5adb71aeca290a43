using System.Management.Automation;
using Pvc.Core.Networks;
using Pvc.Core.Schema;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Adds a firewall rule to a managed network (<c>pvc network acl add</c>).</summary>
[Cmdlet(VerbsCommon.Add, "PvcNetworkAcl", SupportsShouldProcess = true)]
[OutputType(typeof(FirewallRule))]
public sealed class AddPvcNetworkAclCommand : NetworkCmdlet
{
    /// <summary>The rule's description, its unique name within the network.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string Description { get; set; } = "";

    /// <summary>The nftables rule text.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    public string Rule { get; set; } = "";

    /// <summary>In (default) or Out.</summary>
    [Parameter]
    public FirewallDirection Direction { get; set; } = FirewallDirection.In;

    /// <summary>Its position within its direction (0 first); the end when omitted.</summary>
    [Parameter]
    public int? Order { get; set; }

    /// <summary>Return the rule.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Network, $"Add {Direction.ToString().ToLowerInvariant()}bound firewall rule '{Description}': {Rule}"))
            return;
        var before = Connection.RoundTrips;
        if (TryAwait(token => Connection.Networks.AddAclAsync(Network, Direction, Description, Rule, Order, token), Description) is not { } added)
            return;
        Narrate($"Added firewall rule '{added.Description}' at {added.Order} on network {added.Vni}", before);
        if (PassThru)
            WriteResult(added);
    }
}
