using Pvc.Core.Schema;

namespace Pvc.Core.Networks;

/// <summary>A firewall rule of a managed network (<c>/networks/&lt;vni&gt;/firewall_rules/&lt;in|out&gt;/&lt;description&gt;</c>).</summary>
public sealed record FirewallRule
{
    /// <summary>The network's VNI.</summary>
    public required int Vni { get; init; }
    /// <summary>Which way the rule applies.</summary>
    public required FirewallDirection Direction { get; init; }
    /// <summary>The rule's description, its unique name within the network.</summary>
    public required string Description { get; init; }
    /// <summary>The raw nftables rule text.</summary>
    public string Rule { get; init; } = "";
    /// <summary>Its position within its direction (0 first), or null when unset or unreadable.</summary>
    public int? Order { get; init; }
}
