namespace Pvc.Core.Schema;

/// <summary>Keys of a network, <c>/networks/&lt;vni&gt;</c>, and of its reservations, leases and firewall rules.</summary>
public static class NetworkKeys
{
#pragma warning disable CS1591 // the names are PVC's keys; the inventory documents each
    public const string Root = "";
    public const string Type = "/nettype";
    public const string Mtu = "/mtu";
    public const string Rules = "/firewall_rules";
    public const string RulesIn = "/firewall_rules/in";
    public const string RulesOut = "/firewall_rules/out";
    public const string NameServers = "/name_servers";
    public const string Domain = "/domain";
    public const string Reservations = "/dhcp4_reservations";
    public const string Leases = "/dhcp4_leases";
    public const string Ip4Gateway = "/ip4_gateway";
    public const string Ip4Network = "/ip4_network";
    public const string Ip4Dhcp = "/dhcp4_flag";
    public const string Ip4DhcpStart = "/dhcp4_start";
    public const string Ip4DhcpEnd = "/dhcp4_end";
    public const string Ip6Gateway = "/ip6_gateway";
    public const string Ip6Network = "/ip6_network";
    public const string Ip6Dhcp = "/dhcp6_flag";

    public const string ReservationIp = "/ipaddr";
    public const string ReservationHostname = "/hostname";
    public const string LeaseIp = "/ipaddr";
    public const string LeaseHostname = "/hostname";
    public const string LeaseExpiry = "/expiry";
    public const string LeaseClientId = "/clientid";
    public const string RuleText = "/rule";
    public const string RuleOrder = "/order";
#pragma warning restore CS1591

    /// <summary>The network element schema.</summary>
    public static ElementSchema Schema { get; } = new("network", BaseKeys.Networks,
    [
        Root, Type, Mtu, Rules, RulesIn, RulesOut, NameServers, Domain, Reservations, Leases, Ip4Gateway, Ip4Network,
        Ip4Dhcp, Ip4DhcpStart, Ip4DhcpEnd, Ip6Gateway, Ip6Network, Ip6Dhcp,
    ]);

    /// <summary>A key's path for a network.</summary>
    public static string Path(int vni, string key = Root) => Schema.Path(vni.ToString(System.Globalization.CultureInfo.InvariantCulture), key);
}
