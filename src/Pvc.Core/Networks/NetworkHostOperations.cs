using System.Globalization;
using System.Runtime.CompilerServices;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Networks;

/// <summary>
/// The network reads of a node service: the networks it must build on its host, with watches so that it hears of the
/// next change (a network added or removed, its type or MTU changed) and builds again.
/// </summary>
public sealed class NetworkHostOperations(ClusterConnection cluster)
{
    // one watcher per caller's callback: the client keeps one registration per watcher, however often it is re-armed
    private readonly ConditionalWeakTable<Action, Watcher> _watchers = new();

    private Watcher WatcherFor(Action changed) => _watchers.GetValue(changed, c => _ => c());

    /// <summary>The keys whose change a node acts on: what its interfaces, gateway and DHCP server are made from.</summary>
    private static readonly string[] WatchedKeys =
    [
        NetworkKeys.Root, NetworkKeys.Type, NetworkKeys.Mtu, NetworkKeys.Domain, NetworkKeys.NameServers, NetworkKeys.Ip4Network,
        NetworkKeys.Ip4Gateway, NetworkKeys.Ip4Dhcp, NetworkKeys.Ip4DhcpStart, NetworkKeys.Ip4DhcpEnd,
    ];

    /// <summary>
    /// Every network, sorted by VNI; <paramref name="changed"/> is called on the next change of the list, of a
    /// network's keys a node builds from, or of its DHCP reservations or firewall rules (the watches are armed before the read, so no
    /// change after it is missed).
    /// </summary>
    public async Task<IReadOnlyList<Network>> ListAsync(Action changed, CancellationToken cancellationToken)
    {
        var zk = cluster.ZooKeeper;
        var watcher = WatcherFor(changed);
        var children = await zk.GetChildrenAsync(BaseKeys.Networks, watcher, cancellationToken);
        var vnis = LockNodes.Without(children.Children)
            .Select(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null).OfType<int>().ToList();
        await Task.WhenAll(vnis.SelectMany(vni => WatchedKeys.Select(key => zk.ExistsAsync(NetworkKeys.Path(vni, key), watcher, cancellationToken))));
        // the folders whose children a node serves: reservations (hosts files) and firewall rules (the primary's nft chains)
        string[] folders = [NetworkKeys.Reservations, NetworkKeys.RulesIn, NetworkKeys.RulesOut];
        await Task.WhenAll(vnis.SelectMany(vni => folders.Select(folder => (vni, folder))).Select(x => zk.GetChildrenAsync(NetworkKeys.Path(x.vni, x.folder), watcher, cancellationToken)
            .ContinueWith(t => t.Exception is { InnerException: NoNodeException } ? Task.CompletedTask : t, cancellationToken, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap()));
        return await new NetworkReader(cluster).ListAsync((string?)null, cancellationToken);
    }

    /// <summary>
    /// Writes back the MTU a node builds network <paramref name="vni"/> with, as PVC's node daemon does when the network's
    /// <c>mtu</c> key is empty or above what the node's device allows: <paramref name="inUse"/> gives the MTU used for
    /// what the key holds (null when empty, missing or not a number), and when the key does not hold exactly that (PVC's
    /// decimal text) it is written. The write is made at the version read (or creates the key when missing), so that a
    /// change made meanwhile (by an administrator, or by another node writing back at the same time) is never
    /// overwritten: the key is read again and written only if it is still not what this node uses. A key that already
    /// holds what the node uses is left alone, its version unchanged.
    /// </summary>
    /// <returns>The MTU written, or null when nothing was (the key held it already, or the network is gone).</returns>
    /// <exception cref="PvcException">WriteConflict: "NetworkChangedMeanwhile" (the key kept changing under five attempts).</exception>
    public async Task<int?> WriteBackMtuAsync(int vni, Func<int?, int> inUse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inUse);
        var zk = cluster.ZooKeeper;
        var path = NetworkKeys.Path(vni, NetworkKeys.Mtu);
        const int Attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            string? text = null;
            var version = -1;
            try
            {
                var data = await zk.GetDataAsync(path, null, cancellationToken);
                text = System.Text.Encoding.UTF8.GetString(data.Data);
                version = data.Stat.Version;
            }
            catch (NoNodeException)
            {
                // a network written before PVC had the key (or by a tool that left it out): created below
            }
            var mtu = inUse(PvcNumber.DecodeInt(text));
            var wanted = PvcNumber.Encode(mtu);
            if (text == wanted)
                return null;
            var bytes = System.Text.Encoding.UTF8.GetBytes(wanted);
            try
            {
                await zk.MultiAsync([text is null ? Op.Create(path, bytes) : Op.SetData(path, bytes, version)], cancellationToken);
                return mtu;
            }
            catch (NoNodeException)
            {
                return null; // the network went meanwhile
            }
            catch (ZooKeeperException e) when (e is BadVersionException or NodeExistsException)
            {
                if (attempt >= Attempts)
                    throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.NetworkChangedMeanwhile,
                        $"The MTU of network {vni} kept changing while this node wrote back the MTU it uses; the node tries again shortly.", e) { Target = vni };
            }
        }
    }

    /// <summary>
    /// Records a lease the primary's DHCP server handed out, as PVC's lease script does on "add": the lease's keys
    /// (<c>/networks/&lt;vni&gt;/dhcp4_leases/&lt;mac&gt;</c>: root "", expiry in epoch seconds or "0", ipaddr, hostname, clientid
    /// or "*") replace whatever was there, in one transaction.
    /// </summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidMacAddress"; NotFound: "NetworkNotFound".</exception>
    public async Task RecordLeaseAsync(DhcpLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var mac = NetworkOperations.NormalizeMac(lease.MacAddress);
        var zk = cluster.ZooKeeper;
        if (await zk.ExistsAsync(NetworkKeys.Path(lease.Vni), null, cancellationToken) is null)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NetworkNotFound, $"No network {lease.Vni} exists to record a lease in.") { Target = lease.Vni };
        var path = NetworkEncoding.ChildPath(lease.Vni, NetworkKeys.Leases, mac);
        var tree = await ZnodeTree.WalkAsync(zk, [path], withVersions: true, null, cancellationToken);
        static byte[] Utf8(string s) => System.Text.Encoding.UTF8.GetBytes(s);
        var ops = tree.OrderByDescending(e => e.Depth).Select(e => Op.Delete(e.Path, e.Version)).ToList();
        ops.Add(Op.Create(path, Utf8("")));
        ops.Add(Op.Create(path + NetworkKeys.LeaseExpiry, Utf8(lease.Expiry is { } at ? PvcNumber.EncodeEpoch(at) : "0")));
        ops.Add(Op.Create(path + NetworkKeys.LeaseIp, Utf8(PvcAddress.EncodeAddress(lease.IpAddress))));
        ops.Add(Op.Create(path + NetworkKeys.LeaseHostname, Utf8(lease.Hostname ?? "")));
        ops.Add(Op.Create(path + NetworkKeys.LeaseClientId, Utf8(lease.ClientId ?? "*")));
        await zk.MultiAsync(ops, cancellationToken);
    }

    /// <summary>
    /// Reads what the metadata API finds guests in (<see cref="MetadataGuestTable"/>): every network with its leases and
    /// every VM. With <paramref name="changed"/>, watches are armed first on the network list, each network's lease list
    /// the VM list and each VM's name and XML, and <paramref name="changed"/> is called on the next change of any (a lease
    /// given, renewed or ended, a network or VM added or removed, a VM's NICs changed), so that a caller can keep the table until then.
    /// </summary>
    public async Task<MetadataGuestTable> ReadGuestTableAsync(Action? changed, CancellationToken cancellationToken)
    {
        var zk = cluster.ZooKeeper;
        if (changed is not null)
        {
            var watcher = WatcherFor(changed);
            var children = await zk.GetChildrenAsync(BaseKeys.Networks, watcher, cancellationToken);
            var vnis = LockNodes.Without(children.Children)
                .Select(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null).OfType<int>().ToList();
            await Task.WhenAll(vnis.Select(vni => zk.GetChildrenAsync(NetworkKeys.Path(vni, NetworkKeys.Leases), watcher, cancellationToken)
                .ContinueWith(t => t.Exception is { InnerException: NoNodeException } ? Task.CompletedTask : t, cancellationToken, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap()));
            var domains = await zk.GetChildrenAsync(BaseKeys.Domains, watcher, cancellationToken);
            // each VM's XML (its NICs' MACs) and name: a MAC moved from one VM to another is a change of the table too
            var uuids = LockNodes.Without(domains.Children).Select(d => Guid.TryParse(d, out var u) ? u : (Guid?)null).OfType<Guid>().ToList();
            await Task.WhenAll(uuids.SelectMany(u => new[] { DomainKeys.Root, DomainKeys.Xml }.Select(key => zk.ExistsAsync(DomainKeys.Path(u, key), watcher, cancellationToken))));
        }
        var networks = await new NetworkReader(cluster).ListAsync((string?)null, cancellationToken);
        var vms = await Vms.VmReader.ListAsync(zk, null, cancellationToken);
        return new MetadataGuestTable(networks, vms);
    }

    /// <summary>
    /// The VM a guest is, as the metadata API finds it (<see cref="MetadataGuestTable.Find"/>), from a fresh read of the keys:
    /// the guest at <paramref name="source"/> with <paramref name="mac"/> on network <paramref name="vni"/>'s bridge.
    /// </summary>
    public async Task<MetadataGuest?> FindGuestAsync(int vni, System.Net.IPAddress source, string mac, CancellationToken cancellationToken) =>
        (await ReadGuestTableAsync(null, cancellationToken)).Find(vni, source, mac, DateTimeOffset.UtcNow);

    /// <summary>Forgets a lease (PVC's lease script on "del"); a lease not recorded is no error.</summary>
    public async Task ForgetLeaseAsync(int vni, string mac, CancellationToken cancellationToken)
    {
        var path = NetworkEncoding.ChildPath(vni, NetworkKeys.Leases, NetworkOperations.NormalizeMac(mac));
        var tree = await ZnodeTree.WalkAsync(cluster.ZooKeeper, [path], withVersions: true, null, cancellationToken);
        if (tree.Count > 0)
            await cluster.ZooKeeper.MultiAsync(tree.OrderByDescending(e => e.Depth).Select(e => Op.Delete(e.Path, e.Version)), cancellationToken);
    }
}
