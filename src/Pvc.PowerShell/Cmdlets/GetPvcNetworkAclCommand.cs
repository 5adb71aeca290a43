using System.Management.Automation;
using Pvc.Core.Networks;
using Pvc.Core.Schema;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets a network's firewall rules, inbound then outbound, each in its order (<c>pvc network acl list</c>).</summary>
[Cmdlet(VerbsCommon.Get, "PvcNetworkAcl")]
[OutputType(typeof(FirewallRule))]
public sealed class GetPvcNetworkAclCommand : NetworkCmdlet
{
    /// <summary>Rule descriptions (wildcards allowed); all when omitted.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string[]? Description { get; set; }

    /// <summary>Only the rules of this direction.</summary>
    [Parameter]
    public FirewallDirection? Direction { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var before = Connection.RoundTrips;
        if (TryAwait(token => Connection.Networks.GetAsync(Network, token), Network) is not { } network)
            return;
        var patterns = (Description ?? []).Select(d => WildcardPattern.Get(d, WildcardOptions.IgnoreCase)).ToList();
        var rules = network.FirewallRules
            .Where(r => (Direction is null || r.Direction == Direction) && (patterns.Count == 0 || patterns.Any(p => p.IsMatch(r.Description))))
            .ToList();
        Narrate($"Listed {rules.Count} firewall rule(s) of network {network.Vni}", before);
        WriteResults(rules);
    }
}
