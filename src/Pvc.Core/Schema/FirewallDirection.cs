namespace Pvc.Core.Schema;

/// <summary>The direction of a firewall rule: the <c>firewall_rules/in</c> or <c>firewall_rules/out</c> folder.</summary>
public enum FirewallDirection
{
    /// <summary>Traffic into the network.</summary>
    In,
    /// <summary>Traffic out of the network.</summary>
    Out,
}
