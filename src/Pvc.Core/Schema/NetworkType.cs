namespace Pvc.Core.Schema;

/// <summary>A network's type (<c>/networks/&lt;vni&gt;/nettype</c>).</summary>
public enum NetworkType
{
    /// <summary>A value this version does not know, or none.</summary>
    Unknown = 0,
    /// <summary>A VXLAN network the cluster routes, with DHCP, DNS and firewall rules ("managed").</summary>
    Managed,
    /// <summary>A VLAN bridged onto the nodes' bridge device ("bridged").</summary>
    Bridged,
}
