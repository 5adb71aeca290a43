using Pvc.Core.Schema;

namespace Pvc.Core.Networks;

/// <summary>A network's own keys as PVC's <c>network add</c> writes them (str() of each value), from one place.</summary>
internal static class NetworkEncoding
{
    /// <summary>Every scalar key of the network (its root included) and its text.</summary>
    public static IReadOnlyList<(string Key, string Text)> Keys(Network network) =>
    [
        (NetworkKeys.Root, network.Description),
        (NetworkKeys.Type, Wire.NetworkType.Encode(network.Type)),
        (NetworkKeys.Mtu, network.Mtu is { } mtu ? PvcNumber.Encode(mtu) : ""),
        (NetworkKeys.Domain, PvcText.EncodeNone(network.Domain)),
        (NetworkKeys.NameServers, PvcList.EncodeComma(network.NameServers)),
        (NetworkKeys.Ip6Network, PvcAddress.EncodeNetwork(network.Ip6Network)),
        (NetworkKeys.Ip6Gateway, PvcAddress.EncodeAddress(network.Ip6Gateway)),
        (NetworkKeys.Ip6Dhcp, PvcBool.Encode(network.Ip6Dhcp)),
        (NetworkKeys.Ip4Network, PvcAddress.EncodeNetwork(network.Ip4Network)),
        (NetworkKeys.Ip4Gateway, PvcAddress.EncodeAddress(network.Ip4Gateway)),
        (NetworkKeys.Ip4Dhcp, PvcBool.Encode(network.Ip4Dhcp)),
        (NetworkKeys.Ip4DhcpStart, PvcAddress.EncodeAddress(network.Ip4DhcpStart)),
        (NetworkKeys.Ip4DhcpEnd, PvcAddress.EncodeAddress(network.Ip4DhcpEnd)),
    ];

    /// <summary>The folders PVC creates empty with a network, parents first.</summary>
    public static IReadOnlyList<string> Folders { get; } =
        [NetworkKeys.Leases, NetworkKeys.Reservations, NetworkKeys.Rules, NetworkKeys.RulesIn, NetworkKeys.RulesOut];

    /// <summary>The folder of a direction's firewall rules.</summary>
    public static string RulesFolder(FirewallDirection direction) => direction == FirewallDirection.In ? NetworkKeys.RulesIn : NetworkKeys.RulesOut;

    /// <summary>The path of a child's key under one of the network's folders.</summary>
    public static string ChildPath(int vni, string folder, string child, string key = "") => $"{NetworkKeys.Path(vni, folder)}/{child}{key}";
}
