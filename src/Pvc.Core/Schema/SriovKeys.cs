namespace Pvc.Core.Schema;

/// <summary>
/// Keys of a node's SR-IOV devices (schema v15 <c>sriov_pf.*</c> and <c>sriov_vf.*</c>): physical functions under
/// <c>/nodes/&lt;node&gt;/sriov/pf/&lt;phy&gt;</c>, virtual functions under <c>/nodes/&lt;node&gt;/sriov/vf/&lt;vf&gt;</c>,
/// as PVC's node daemon writes them at start-up from the host's sysfs.
/// </summary>
public static class SriovKeys
{
#pragma warning disable CS1591 // the names are PVC's keys; the inventory documents each
    public const string Root = "";
    public const string PfMtu = "/mtu";
    public const string PfVfCount = "/vfcount";

    public const string VfPf = "/pf";
    public const string VfMtu = "/mtu";
    public const string VfMac = "/mac";
    public const string VfPhysicalMac = "/phy_mac";
    public const string VfConfig = "/config";
    public const string VfVlanId = "/config/vlan_id";
    public const string VfVlanQos = "/config/vlan_qos";
    public const string VfTxRateMin = "/config/tx_rate_min";
    public const string VfTxRateMax = "/config/tx_rate_max";
    public const string VfSpoofCheck = "/config/spoof_check";
    public const string VfLinkState = "/config/link_state";
    public const string VfTrust = "/config/trust";
    public const string VfQueryRss = "/config/query_rss";
    public const string VfPci = "/pci";
    public const string VfPciDomain = "/pci/domain";
    public const string VfPciBus = "/pci/bus";
    public const string VfPciSlot = "/pci/slot";
    public const string VfPciFunction = "/pci/function";
    public const string VfUsed = "/used";
    public const string VfUsedBy = "/used_by";
#pragma warning restore CS1591

    /// <summary>Every value key of a VF (the folders <c>/config</c> and <c>/pci</c> hold no value).</summary>
    public static IReadOnlyList<string> VfValues { get; } =
    [
        VfPf, VfMtu, VfMac, VfPhysicalMac, VfVlanId, VfVlanQos, VfTxRateMin, VfTxRateMax, VfSpoofCheck, VfLinkState,
        VfTrust, VfQueryRss, VfPciDomain, VfPciBus, VfPciSlot, VfPciFunction, VfUsed, VfUsedBy,
    ];

    /// <summary>A key of a node's physical function.</summary>
    public static string PfPath(string node, string phy, string key = Root) => $"{NodeKeys.Path(node, NodeKeys.SriovPf)}/{phy}{key}";

    /// <summary>A key of a node's virtual function.</summary>
    public static string VfPath(string node, string vf, string key = Root) => $"{NodeKeys.Path(node, NodeKeys.SriovVf)}/{vf}{key}";
}
