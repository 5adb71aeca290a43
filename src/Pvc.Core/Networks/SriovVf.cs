namespace Pvc.Core.Networks;

/// <summary>An SR-IOV virtual function of a node and its configuration (<c>pvc network sriov vf list/info</c>).</summary>
public sealed record SriovVf
{
    /// <summary>The node that has the device.</summary>
    public required string Node { get; init; }
    /// <summary>The VF's interface name (e.g. ens1f0v3).</summary>
    public required string Name { get; init; }
    /// <summary>The interface name of its physical function; null when unrecorded.</summary>
    public string? Pf { get; init; }
    /// <summary>Its MTU; null when unreadable.</summary>
    public int? Mtu { get; init; }
    /// <summary>Its current MAC address (a VM NIC's while a VM uses it).</summary>
    public string? MacAddress { get; init; }
    /// <summary>Its own MAC address, restored when it is freed.</summary>
    public string? PhysicalMacAddress { get; init; }
    /// <summary>The VLAN it tags (0: none); null when unreadable.</summary>
    public int? VlanId { get; init; }
    /// <summary>The VLAN priority; null when unreadable.</summary>
    public int? VlanQos { get; init; }
    /// <summary>The minimum transmit rate in Mbit/s (0: no limit); null when unreadable.</summary>
    public int? TxRateMin { get; init; }
    /// <summary>The maximum transmit rate in Mbit/s (0: no limit); null when unreadable.</summary>
    public int? TxRateMax { get; init; }
    /// <summary>Whether MAC spoof checking is on.</summary>
    public bool SpoofCheck { get; init; }
    /// <summary>The configured link state.</summary>
    public SriovLinkState LinkState { get; init; }
    /// <summary>Whether the VF is trusted (may change its MAC, promiscuous mode).</summary>
    public bool Trust { get; init; }
    /// <summary>Whether the guest may query the RSS configuration.</summary>
    public bool QueryRss { get; init; }
    /// <summary>Its PCI address, domain:bus:slot.function as libvirt's hostdev takes it (e.g. 0000:01:10.1); null when unrecorded.</summary>
    public string? PciAddress { get; init; }
    /// <summary>Whether a VM's NIC uses it.</summary>
    public bool Used { get; init; }
    /// <summary>The UUID of the VM that uses it; null when free.</summary>
    public Guid? UsedBy { get; init; }
}
