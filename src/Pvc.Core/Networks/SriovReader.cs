using System.Globalization;
using System.Text.RegularExpressions;
using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Networks;

/// <summary>
/// Reads nodes' SR-IOV devices in at most three round trips however many there are: the node list (only when no node
/// is named), every node's PF and VF listings, then every PF's and VF's keys at once.
/// </summary>
internal static partial class SriovReader
{
    /// <summary>The PFs and VFs of one node (<paramref name="node"/>) or of every node (null), sorted by node and name.</summary>
    /// <exception cref="PvcException">NotFound: "NodeNotFound": a named node does not exist. InvalidArgument: "InvalidNodeName".</exception>
    internal static async Task<(IReadOnlyList<SriovPf> Pfs, IReadOnlyList<SriovVf> Vfs)> ReadAsync(ZooKeeperClient zk, string? node,
        CancellationToken cancellationToken, ReadCounter? counter = null)
    {
        IReadOnlyList<string> nodes;
        if (node is null)
        {
            var list = new ZnodeBatch(zk, counter).Children(BaseKeys.Nodes);
            await list.ReadAsync(cancellationToken);
            nodes = [.. LockNodes.Without(list.ChildrenOf(BaseKeys.Nodes) ?? []).Where(NodeName.IsValid).Order(StringComparer.Ordinal)];
        }
        else
        {
            NodeName.Validate(node);
            nodes = [node];
        }

        var listings = new ZnodeBatch(zk, counter);
        foreach (var n in nodes)
            listings.Data(NodeKeys.Path(n)).Children(NodeKeys.Path(n, NodeKeys.SriovPf)).Children(NodeKeys.Path(n, NodeKeys.SriovVf));
        await listings.ReadAsync(cancellationToken);
        if (node is not null && listings.StatOf(NodeKeys.Path(node)) is null)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"There is no node '{node}'.") { Target = node };

        // a device name from ZooKeeper becomes part of a path: only interface names are read
        IReadOnlyList<string> Devices(string n, string folder) =>
            [.. LockNodes.Without(listings.ChildrenOf(NodeKeys.Path(n, folder)) ?? []).Where(IsInterfaceName).Order(StringComparer.Ordinal)];
        var devices = nodes.Select(n => (Node: n, Pfs: Devices(n, NodeKeys.SriovPf), Vfs: Devices(n, NodeKeys.SriovVf))).ToList();

        var keys = new ZnodeBatch(zk, counter);
        foreach (var (n, pfs, vfs) in devices)
        {
            foreach (var pf in pfs)
                keys.Data(SriovKeys.PfPath(n, pf, SriovKeys.PfMtu)).Data(SriovKeys.PfPath(n, pf, SriovKeys.PfVfCount));
            foreach (var vf in vfs)
                foreach (var key in SriovKeys.VfValues)
                    keys.Data(SriovKeys.VfPath(n, vf, key));
        }
        if (devices.Any(d => d.Pfs.Count + d.Vfs.Count > 0))
            await keys.ReadAsync(cancellationToken);

        var allVfs = new List<SriovVf>();
        var allPfs = new List<SriovPf>();
        foreach (var (n, pfs, vfs) in devices)
        {
            string? Vf(string vf, string key) => PvcText.Decode(keys.Text(SriovKeys.VfPath(n, vf, key)));
            var nodeVfs = vfs.Select(vf => new SriovVf
            {
                Node = n,
                Name = vf,
                Pf = Vf(vf, SriovKeys.VfPf),
                Mtu = PvcNumber.DecodeInt(Vf(vf, SriovKeys.VfMtu)),
                MacAddress = Vf(vf, SriovKeys.VfMac),
                PhysicalMacAddress = Vf(vf, SriovKeys.VfPhysicalMac),
                VlanId = PvcNumber.DecodeInt(Vf(vf, SriovKeys.VfVlanId)),
                VlanQos = PvcNumber.DecodeInt(Vf(vf, SriovKeys.VfVlanQos)),
                TxRateMin = PvcNumber.DecodeInt(Vf(vf, SriovKeys.VfTxRateMin)),
                TxRateMax = PvcNumber.DecodeInt(Vf(vf, SriovKeys.VfTxRateMax)),
                SpoofCheck = PvcBool.Decode(Vf(vf, SriovKeys.VfSpoofCheck)),
                LinkState = SriovLinkStates.Wire.Decode(Vf(vf, SriovKeys.VfLinkState)),
                Trust = PvcBool.Decode(Vf(vf, SriovKeys.VfTrust)),
                QueryRss = PvcBool.Decode(Vf(vf, SriovKeys.VfQueryRss)),
                PciAddress = PciAddress(Vf(vf, SriovKeys.VfPciDomain), Vf(vf, SriovKeys.VfPciBus), Vf(vf, SriovKeys.VfPciSlot), Vf(vf, SriovKeys.VfPciFunction)),
                Used = PvcBool.Decode(Vf(vf, SriovKeys.VfUsed)),
                UsedBy = Guid.TryParse(Vf(vf, SriovKeys.VfUsedBy), out var uuid) ? uuid : null,
            }).ToList();
            allVfs.AddRange(nodeVfs);
            allPfs.AddRange(pfs.Select(pf => new SriovPf
            {
                Node = n,
                Name = pf,
                Mtu = PvcNumber.DecodeInt(keys.Text(SriovKeys.PfPath(n, pf, SriovKeys.PfMtu))),
                VfCount = PvcNumber.DecodeInt(keys.Text(SriovKeys.PfPath(n, pf, SriovKeys.PfVfCount))),
                Vfs = [.. nodeVfs.Where(v => v.Pf == pf).Select(v => v.Name)],
            }));
        }
        return (allPfs, allVfs);
    }

    /// <summary>True for a Linux interface name (at most 15 characters, no slash, space or colon).</summary>
    internal static bool IsInterfaceName(string name) => InterfaceName().IsMatch(name);

    // PVC stores the parts as the kernel's PCI_SLOT_NAME gives them (hex); anything else is left unread, not passed on
    private static string? PciAddress(string? domain, string? bus, string? slot, string? function) =>
        domain is not null && bus is not null && slot is not null && function is not null
        && HexDigits().IsMatch(domain) && HexDigits().IsMatch(bus) && HexDigits().IsMatch(slot) && HexDigits().IsMatch(function)
            ? string.Create(CultureInfo.InvariantCulture, $"{domain}:{bus}:{slot}.{function}") : null;

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,15}$")]
    private static partial Regex InterfaceName();

    [GeneratedRegex(@"^[0-9a-fA-F]{1,4}$")]
    private static partial Regex HexDigits();
}
