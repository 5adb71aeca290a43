using Pvc.Core.Networks;
using Pvc.Core.Schema;
using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Networks;

/// <summary>
/// The interfaces of one network on a node, as PVC lays them out: bridge <c>vmbr&lt;vni&gt;</c> with, as its port, VXLAN
/// <c>vxlan&lt;vni&gt;</c> over the cluster device (managed) or VLAN <c>vlan&lt;vni&gt;</c> of the bridge device (bridged); and the
/// <c>ip</c> commands that make, configure and remove them, in their order. Every value in them was checked first.
/// </summary>
internal sealed record NetworkLinks(int Vni, NetworkType Type, int Mtu, string Lower)
{
    /// <summary>The bridge VMs' NICs attach to.</summary>
    public string Bridge => BridgeName(Vni);

    /// <summary>The bridge's port that carries the network between nodes.</summary>
    public string Member => (Type == NetworkType.Managed ? "vxlan" : "vlan") + IpTool.Arg(Vni);

    /// <summary>The link kind of <see cref="Member"/>.</summary>
    public string MemberKind => Type == NetworkType.Managed ? "vxlan" : "vlan";

    /// <summary>
    /// The alias Pvc gives the interfaces it makes for this network. Only interfaces carrying it are adopted, corrected
    /// or removed: a host's own <c>vmbr0</c> or <c>vlan1001</c> looks like PVC's by name alone.
    /// </summary>
    public string Mark => MarkOf(Vni);

    /// <summary>The mark of network <paramref name="vni"/>'s interfaces.</summary>
    public static string MarkOf(int vni) => MarkPrefix + IpTool.Arg(vni);

    /// <summary>What every Pvc mark starts with.</summary>
    public const string MarkPrefix = "pvc:";

    /// <summary>Marks a link just made as this network's.</summary>
    public IReadOnlyList<string> MarkLink(string name) => ["link", "set", name, "alias", Mark];

    /// <summary>The name of a network's bridge.</summary>
    public static string BridgeName(int vni) => "vmbr" + IpTool.Arg(vni);

    /// <summary>
    /// The interfaces of <paramref name="network"/> on this node, or null with the reason when it cannot be built here
    /// (a VNI out of range for its type, an unknown type, a bridged network without a bridge device). The MTU is PVC's
    /// rule: the network's own, capped at the largest the device allows (cluster MTU less the VXLAN overhead for a
    /// managed network, the bridge MTU for a bridged one), and that largest when it has none.
    /// </summary>
    public static NetworkLinks? For(Network network, NetworkSettings settings, out string? reason)
    {
        reason = null;
        var (max, lower, limit) = network.Type switch
        {
            NetworkType.Managed => (settings.ClusterMtu - NetworkSettings.VxlanOverhead, settings.ClusterDevice, NetworkValidation.MaxVxlanId),
            NetworkType.Bridged => (settings.BridgeMtu, settings.BridgeDevice, NetworkValidation.MaxVlanId),
            _ => (0, null, 0),
        };
        if (limit == 0)
            reason = "its type is neither managed nor bridged";
        else if (network.Vni < 1 || network.Vni > limit)
            reason = $"its VNI is out of range for its type (1 to {limit})";
        else if (lower is null)
            reason = "this node has no bridge device for bridged networks (guest_networking.bridge_device)";
        if (reason is not null)
            return null;
        return new NetworkLinks(network.Vni, network.Type, UsedMtu(network.Mtu, max), lower!) { MaxMtu = max };
    }

    /// <summary>
    /// The largest MTU this node's device allows the network: the cluster MTU less the VXLAN overhead (managed), or the
    /// bridge device's MTU (bridged). The latter is pvc.conf's <c>bridge_mtu</c> of this node, which may differ from another's.
    /// </summary>
    public int MaxMtu { get; init; }

    /// <summary>
    /// PVC's rule for the MTU a network is built with from what its key holds (<paramref name="stored"/>, null when empty
    /// or not a number): the stored MTU capped at <paramref name="max"/>, and <paramref name="max"/> when there is none.
    /// A small stored MTU (below <see cref="NetworkValidation.MinMtu"/>, which Core refuses to write but PVC's tools
    /// accept) is used as it is, as PVC does, and never raised: one the kernel refuses fails the build with ip's words.
    /// </summary>
    public static int UsedMtu(int? stored, int max) => stored is { } m && m > 0 ? Math.Min(m, max) : max;

    /// <summary>Makes the bridge.</summary>
    public IReadOnlyList<string> CreateBridge() => ["link", "add", Bridge, "type", "bridge"];

    /// <summary>Makes the port: the VXLAN (no static remote: FRR's EVPN learns the other nodes, as PVC) or the VLAN.</summary>
    public IReadOnlyList<string> CreateMember() => Type == NetworkType.Managed
        ? ["link", "add", Member, "type", "vxlan", "id", IpTool.Arg(Vni), "dstport", IpTool.Arg(NetworkSettings.VxlanPort), "dev", Lower]
        : ["link", "add", "link", Lower, "name", Member, "type", "vlan", "id", IpTool.Arg(Vni)];

    /// <summary>
    /// Configures the port and the bridge in PVC's order (createNetworkManaged/createNetworkBridged): each gets its MTU and
    /// is brought up (updateNetworkMTU), the bridge's tx checksum offload is turned off (<c>ethtool -K vmbr&lt;vni&gt; tx
    /// off</c>), then the bridge's IPv6 sysctl (a managed network's bridge does no duplicate address detection, a bridged
    /// network's has no IPv6 at all, so nothing leaks onto the VLAN), and last the port is attached. Each command is
    /// idempotent, so a node that adopts existing interfaces runs them all again when one's state differs. Only the
    /// <c>ip</c> commands are needed for the network to carry traffic; the others are tuning (see <see cref="HostCommand.Required"/>).
    /// </summary>
    public IReadOnlyList<HostCommand> Configure() =>
    [
        HostCommand.Ip("link", "set", Member, "mtu", IpTool.Arg(Mtu), "up"),
        HostCommand.Ip("link", "set", Bridge, "mtu", IpTool.Arg(Mtu), "up"),
        new("ethtool", ["-K", Bridge, "tx", "off"], Required: false),
        new("sysctl", ["-w", Type == NetworkType.Managed ? $"net.ipv6.conf.{Bridge}.accept_dad=0" : $"net.ipv6.conf.{Bridge}.disable_ipv6=1"], Required: false),
        HostCommand.Ip("link", "set", Member, "master", Bridge),
    ];
}
