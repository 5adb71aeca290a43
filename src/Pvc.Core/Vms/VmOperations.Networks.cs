using System.Globalization;
using System.Security.Cryptography;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

// A VM's NICs: PVC's vm network add and vm network remove, live on a running VM as PVC's --live does.
public sealed partial class VmOperations
{
    /// <summary>PVC's prefix of a random NIC MAC address (QEMU's and libvirt's own).</summary>
    public const string MacPrefix = "52:54:00";

    private static readonly string[] HostBridges = ["upstream", "cluster", "storage"];

    /// <summary>
    /// Adds a bridged NIC to a VM as PVC's <c>vm network add</c> does: on a network of the cluster (by VNI or description:
    /// its bridge <c>vmbr&lt;vni&gt;</c>) or on the upstream, cluster or storage bridge (<c>br&lt;name&gt;</c>), with a
    /// random MAC of PVC's prefix 52:54:00 unless one is given (a unicast address no other NIC in the cluster has), model
    /// virtio unless given. The XML goes through every check of a modified XML and is written in one transaction that
    /// also checks it has not changed. A running VM gets the NIC now from its node (libvirt's attach, with
    /// <paramref name="live"/>, the default), and the XML is written only once libvirt has attached it; without
    /// <paramref name="live"/> it gets it at its next start, or now with <paramref name="restart"/>.
    /// </summary>
    /// <returns>The NIC's MAC address, and when the guest sees it.</returns>
    /// <exception cref="PvcException">NotFound "NetworkNotFound"; InvalidArgument "InvalidMacAddress", "InvalidNicModel"; AlreadyExists "MacAddressInUse".</exception>
    /// <exception cref="PvcException">InvalidOperation "LiveChangeRefused": libvirt refused the attach (its reason in the message); nothing was written.</exception>
    public async Task<(string Mac, VmChangeEffect Effect)> AddNetworkAsync(VmRef vm, string network, string? mac = null, string? model = null,
        bool live = true, bool restart = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        model ??= "virtio";
        if (!VmLiveChange.NicModels.Contains(model, StringComparer.Ordinal))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidNicModel,
                $"The NIC model '{model}' is not one of {string.Join(", ", VmLiveChange.NicModels)}.") { Target = model };
        if (mac is not null)
        {
            mac = NormalizeMac(mac);
            if ((Convert.ToByte(mac[..2], 16) & 1) != 0)
                throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidMacAddress,
                    $"'{mac}' is a multicast address (its first byte is odd): a NIC needs a unicast one, such as {MacPrefix}:12:34:56.") { Target = mac };
        }
        var bridge = await BridgeOfAsync(network, mustExist: true, cancellationToken);
        var (inUse, checks) = await MacsInUseAsync(vm, cancellationToken);
        if (mac is not null && inUse.TryGetValue(mac, out var owner))
            throw new PvcException(PvcErrorKind.AlreadyExists, PvcErrorIds.MacAddressInUse,
                $"The MAC address {mac} is a NIC's of the VM '{owner}' already; give another, or none for a random one.") { Target = mac };
        mac ??= RandomMac(inUse.ContainsKey);
        if (MacsChecked is { } checkedHook)
            await checkedHook(vm, cancellationToken);

        var read = await ReadAsync(vm, cancellationToken, DomainKeys.State, DomainKeys.Node, DomainKeys.Xml);
        // the VM's own XML is read again here (the commit checks this read): a NIC of the MAC it got since the check is refused too
        if (MacsOf(StoredXml(vm, read)).Contains(mac))
            throw new PvcException(PvcErrorKind.AlreadyExists, PvcErrorIds.MacAddressInUse,
                $"The MAC address {mac} is a NIC's of the VM '{vm.Name}' already; give another, or none for a random one.") { Target = mac };
        var xml = VmNicXml.Add(vm, StoredXml(vm, read), mac, bridge, model);
        var change = live ? new VmLiveChange { Kind = VmLiveChangeKind.AttachNic, Vm = vm.Uuid, Mac = mac, Bridge = bridge, Model = model } : null;
        try
        {
            // an unrelated write of another VM's XML during a live attach (up to 90 s) does not undo a hot-plugged NIC: the
            // MACs in use are read again, and the commit is made again while the MAC is still no other VM's
            async Task<IReadOnlyList<Op>?> RecheckAsync(CancellationToken ct)
            {
                var (now, nowChecks) = await MacsInUseAsync(vm, ct);
                return now.ContainsKey(mac) ? null : nowChecks;
            }
            return (mac, await WriteXmlAsync(vm, read, xml, restart, cancellationToken, change, extra: checks, recheck: RecheckAsync));
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.VmChangedMeanwhile && e.InnerException is ZooKeeper.ZooKeeperException)
        {
            throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.VmChangedMeanwhile,
                $"The VM '{vm.Name}', or the XML of another VM whose MAC addresses were checked, changed while the NIC {mac} was added (another NIC added at once may have the same MAC); nothing was written. Add it again.", e) { Target = vm.Name };
        }
    }

    /// <summary>Test hook: runs after an added NIC's MAC check (every VM's XML read), before the VM's own XML is read for the commit.</summary>
    internal Func<VmRef, CancellationToken, Task>? MacsChecked { get; set; }

    /// <summary>
    /// The MAC addresses of every other VM's NICs (with their VM's name), read with the versions of those VMs' XML: the
    /// commit checks them (<paramref name="vm"/>'s own XML is checked by its commit), so that of two adds of one MAC at
    /// once, the second to commit fails instead of giving two VMs one MAC. A VM defined meanwhile is not seen (a define
    /// does not check MACs).
    /// </summary>
    private async Task<(Dictionary<string, string> InUse, List<Op> Checks)> MacsInUseAsync(VmRef vm, CancellationToken cancellationToken)
    {
        var batch = new Reading.ZnodeBatch(Zk).Children(BaseKeys.Domains);
        await batch.ReadAsync(cancellationToken);
        var uuids = VmReader.UuidsOf(batch.ChildrenOf(BaseKeys.Domains));
        foreach (var uuid in uuids)
            batch.Data(DomainKeys.Path(uuid)).Data(DomainKeys.Path(uuid, DomainKeys.Xml));
        await batch.ReadAsync(cancellationToken);
        var inUse = new Dictionary<string, string>(StringComparer.Ordinal);
        var checks = new List<Op>();
        foreach (var uuid in uuids)
        {
            var key = DomainKeys.Path(uuid, DomainKeys.Xml);
            if (batch.StatOf(key) is not { } stat || batch.Text(key) is not { } text)
                continue;
            if (uuid != vm.Uuid)
                checks.Add(Op.Check(key, stat.Version));
            try
            {
                foreach (var nic in DomainXml.Parse(text).Nics.Where(n => n.Mac is not null))
                    inUse.TryAdd(nic.Mac!.ToLowerInvariant(), batch.Text(DomainKeys.Path(uuid)) ?? uuid.ToString());
            }
            catch (Exception e) when (e is PvcException or System.Xml.XmlException)
            {
                // an XML that cannot be read has no NIC anyone can see (as a listing shows it)
            }
        }
        return (inUse, checks);
    }

    /// <summary>
    /// Removes a NIC from a VM as PVC's <c>vm network remove</c> does: the one with <paramref name="mac"/>, or else the
    /// only one on <paramref name="network"/> (by VNI, or upstream, cluster, storage). A running VM loses
    /// it now on its node (libvirt's detach, with <paramref name="live"/>), and the XML is written only once libvirt has
    /// detached it; otherwise at its next start, or now with <paramref name="restart"/>.
    /// </summary>
    /// <returns>The removed NIC's MAC address (null when it had none), and when the guest loses it.</returns>
    /// <exception cref="PvcException">InvalidArgument "NoChange" (neither given), "InvalidMacAddress"; NotFound "NetworkNotFound", "NicNotFound"; InvalidOperation "NicAmbiguous", "LiveChangeRefused".</exception>
    public async Task<(string? Mac, VmChangeEffect Effect)> RemoveNetworkAsync(VmRef vm, string? network, string? mac = null,
        bool live = true, bool restart = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        if (network is null && mac is null)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.NoChange, $"Name the network or the MAC address of the VM '{vm.Name}''s NIC to remove.") { Target = vm.Name };
        if (mac is not null)
            mac = NormalizeMac(mac);
        var bridge = network is null ? null : await BridgeOfAsync(network, mustExist: false, cancellationToken);
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.State, DomainKeys.Node, DomainKeys.Xml);
        var (xml, removed, removedBridge) = VmNicXml.Remove(vm, StoredXml(vm, read), bridge, mac);
        // the removed NIC's model goes with the detach, so that it can be attached again if the XML cannot be written
        var model = removed is null ? null : VmResourceXml.Load(vm, StoredXml(vm, read)).Root!.Element("devices")?.Elements("interface")
            .FirstOrDefault(i => string.Equals((string?)i.Element("mac")?.Attribute("address"), removed, StringComparison.OrdinalIgnoreCase))?.Element("model")?.Attribute("type")?.Value;
        var change = live && removed is not null && removedBridge is not null && VmLiveChange.BridgePattern().IsMatch(removedBridge)
            ? new VmLiveChange { Kind = VmLiveChangeKind.DetachNic, Vm = vm.Uuid, Mac = removed, Bridge = removedBridge, Model = model is not null && VmLiveChange.NicModels.Contains(model, StringComparer.Ordinal) ? model : null } : null;
        return (removed, await WriteXmlAsync(vm, read, xml, restart, cancellationToken, change));
    }

    /// <summary>The bridge of a network named as PVC's NET argument: a VNI, a description, or upstream, cluster or storage.</summary>
    private async Task<string> BridgeOfAsync(string network, bool mustExist, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (HostBridges.Contains(network, StringComparer.Ordinal))
            return "br" + network;
        if (!mustExist && int.TryParse(network, NumberStyles.None, CultureInfo.InvariantCulture, out var given) && given <= 99_999_999)
            return $"vmbr{given}"; // a NIC on a network removed since is still removed
        if (!int.TryParse(network, NumberStyles.None, CultureInfo.InvariantCulture, out var vni) || vni > 99_999_999 || await Zk.ExistsAsync(NetworkKeys.Path(vni), cancellationToken: cancellationToken) is null)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NetworkNotFound, $"No network with VNI '{network}' exists in the cluster (a NIC's network is its VNI, or upstream, cluster or storage).") { Target = network };
        return string.Create(CultureInfo.InvariantCulture, $"vmbr{vni}");
    }

    /// <summary>The MAC addresses (lowercase) of an XML's NICs; none when it cannot be read.</summary>
    private static HashSet<string> MacsOf(string? xml)
    {
        try
        {
            return xml is null ? [] : [.. DomainXml.Parse(xml).Nics.Where(n => n.Mac is not null).Select(n => n.Mac!.ToLowerInvariant())];
        }
        catch (Exception e) when (e is PvcException or System.Xml.XmlException)
        {
            return [];
        }
    }

    /// <summary>A MAC address as PVC stores it (lowercase, ':'-separated).</summary>
    private static string NormalizeMac(string mac)
    {
        var lower = mac.Trim().ToLowerInvariant();
        return System.Text.RegularExpressions.Regex.IsMatch(lower, "^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant) ? lower
            : throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidMacAddress,
                $"'{mac}' is not a MAC address: give six pairs of hex digits separated by ':' (52:54:00:12:34:56).") { Target = mac };
    }

    /// <summary>A random MAC of PVC's prefix that <paramref name="taken"/> does not hold.</summary>
    private static string RandomMac(Func<string, bool> taken)
    {
        while (true)
        {
            var b = RandomNumberGenerator.GetBytes(3);
            var mac = $"{MacPrefix}:{b[0]:x2}:{b[1]:x2}:{b[2]:x2}";
            if (!taken(mac))
                return mac;
        }
    }
}
