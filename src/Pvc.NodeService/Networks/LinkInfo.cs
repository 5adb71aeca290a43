namespace Pvc.NodeService.Networks;

/// <summary>A network interface of the host as <c>ip -json -details link show</c> reports it.</summary>
/// <param name="Name">The interface name.</param>
/// <param name="Kind">Its link kind (bridge, vxlan, vlan, veth, ...), or null for a plain device.</param>
/// <param name="Mtu">Its MTU.</param>
/// <param name="Master">The bridge it is attached to, or null.</param>
/// <param name="Id">A VXLAN's or VLAN's id, or null.</param>
/// <param name="Up">Whether it is administratively up.</param>
/// <param name="Alias">Its alias (<c>ip link set ... alias</c>), where Pvc marks the links it made; null when none.</param>
/// <param name="Lower">The device a VXLAN or VLAN runs over, or null.</param>
internal sealed record LinkInfo(string Name, string? Kind, int Mtu, string? Master, int? Id, bool Up, string? Alias = null, string? Lower = null);
