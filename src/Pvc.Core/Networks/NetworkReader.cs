using Pvc.Core.Connection;
using System.Globalization;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Networks;

/// <summary>
/// Reads networks in a constant number of round trips, however many there are: the list of VNIs, then
/// every network's keys and child listings at once, then every reservation's, lease's and rule's keys at once.
/// </summary>
public sealed class NetworkReader(ClusterConnection cluster)
{
    private static readonly string[] Keys =
    [
        NetworkKeys.Type, NetworkKeys.Mtu, NetworkKeys.Domain, NetworkKeys.NameServers, NetworkKeys.Ip4Network,
        NetworkKeys.Ip4Gateway, NetworkKeys.Ip4Dhcp, NetworkKeys.Ip4DhcpStart, NetworkKeys.Ip4DhcpEnd,
        NetworkKeys.Ip6Network, NetworkKeys.Ip6Gateway, NetworkKeys.Ip6Dhcp,
    ];

    private static readonly (FirewallDirection Direction, string Key)[] RuleFolders =
        [(FirewallDirection.In, NetworkKeys.RulesIn), (FirewallDirection.Out, NetworkKeys.RulesOut)];

    /// <summary>
    /// The networks, sorted by VNI. With a <paramref name="limit"/>, only those whose VNI or description
    /// matches it, as PVC's LIMIT (a regular expression, implicitly fuzzy; each network once even when both match).
    /// </summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidLimit": the limit is not a valid regular expression.</exception>
    public Task<IReadOnlyList<Network>> ListAsync(string? limit = null, CancellationToken cancellationToken = default, ReadCounter? counter = null) =>
        ListAsync(LimitPattern.Of(limit), cancellationToken, counter);

    /// <summary>The networks whose VNI or description matches <paramref name="limit"/> (all for null), sorted by VNI.</summary>
    public async Task<IReadOnlyList<Network>> ListAsync(LimitPattern? limit, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        var zk = cluster.ZooKeeper;
        var filter = limit ?? LimitPattern.All;
        var vnis = await ListVnisAsync(zk, cancellationToken, counter);
        return await ReadAsync(zk, vnis, (vni, description) => filter.IsMatch(vni.ToString(CultureInfo.InvariantCulture)) || filter.IsMatch(description), cancellationToken, counter);
    }

    /// <summary>The network with this VNI.</summary>
    /// <exception cref="PvcException">NotFound: "NetworkNotFound".</exception>
    public async Task<Network> GetAsync(int vni, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        var zk = cluster.ZooKeeper;
        var found = await ReadAsync(zk, [vni], (_, _) => true, cancellationToken, counter);
        return found.Count > 0 ? found[0] : throw NotFound(vni.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The network named by its VNI (all digits, as PVC decides) or else by its description.</summary>
    /// <exception cref="PvcException">NotFound: "NetworkNotFound".</exception>
    public async Task<Network> GetAsync(string network, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        var zk = cluster.ZooKeeper;
        ArgumentNullException.ThrowIfNull(network);
        if (int.TryParse(network, NumberStyles.None, CultureInfo.InvariantCulture, out var vni))
            return await GetAsync(vni, cancellationToken, counter);
        var vnis = await ListVnisAsync(zk, cancellationToken, counter);
        var found = await ReadAsync(zk, vnis, (_, description) => description == network, cancellationToken, counter);
        return found.Count > 0 ? found[0] : throw NotFound(network);
    }

    private static PvcException NotFound(string network) =>
        new(PvcErrorKind.NotFound, PvcErrorIds.NetworkNotFound, $"No network with VNI or description '{network}' exists in the cluster.") { Target = network };

    private static async Task<IReadOnlyList<int>> ListVnisAsync(ZooKeeperClient zk, CancellationToken cancellationToken, ReadCounter? counter)
    {
        var batch = new ZnodeBatch(zk, counter).Children(BaseKeys.Networks);
        await batch.ReadAsync(cancellationToken);
        return [.. LockNodes.Without(batch.ChildrenOf(BaseKeys.Networks) ?? [])
            .Select(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null)
            .OfType<int>()];
    }

    /// <summary>The networks of these VNIs that exist and pass the filter (VNI, description), sorted by VNI.</summary>
    private static async Task<IReadOnlyList<Network>> ReadAsync(ZooKeeperClient zk, IReadOnlyList<int> vnis, Func<int, string, bool> filter, CancellationToken cancellationToken, ReadCounter? counter)
    {
        // wave: every network's keys and child folders
        var batch = new ZnodeBatch(zk, counter);
        foreach (var vni in vnis)
        {
            batch.Data(NetworkKeys.Path(vni));
            foreach (var key in Keys)
                batch.Data(NetworkKeys.Path(vni, key));
            batch.Children(NetworkKeys.Path(vni, NetworkKeys.Reservations)).Children(NetworkKeys.Path(vni, NetworkKeys.Leases));
            foreach (var (_, folder) in RuleFolders)
                batch.Children(NetworkKeys.Path(vni, folder));
        }
        await batch.ReadAsync(cancellationToken);

        var chosen = vnis.Distinct().Order()
            .Where(vni => batch.Text(NetworkKeys.Path(vni)) is { } description && filter(vni, description))
            .ToList();

        // wave: every reservation's, lease's and rule's keys
        string ChildPath(int vni, string folder, string child, string key) => $"{NetworkKeys.Path(vni, folder)}/{child}{key}";
        IReadOnlyList<string> ChildrenOf(int vni, string folder) =>
            [.. LockNodes.Without(batch.ChildrenOf(NetworkKeys.Path(vni, folder)) ?? []).Order(StringComparer.Ordinal)];
        foreach (var vni in chosen)
        {
            foreach (var mac in ChildrenOf(vni, NetworkKeys.Reservations))
                batch.Data(ChildPath(vni, NetworkKeys.Reservations, mac, NetworkKeys.ReservationIp))
                    .Data(ChildPath(vni, NetworkKeys.Reservations, mac, NetworkKeys.ReservationHostname));
            foreach (var mac in ChildrenOf(vni, NetworkKeys.Leases))
                batch.Data(ChildPath(vni, NetworkKeys.Leases, mac, NetworkKeys.LeaseIp))
                    .Data(ChildPath(vni, NetworkKeys.Leases, mac, NetworkKeys.LeaseHostname))
                    .Data(ChildPath(vni, NetworkKeys.Leases, mac, NetworkKeys.LeaseExpiry))
                    .Data(ChildPath(vni, NetworkKeys.Leases, mac, NetworkKeys.LeaseClientId));
            foreach (var (_, folder) in RuleFolders)
                foreach (var rule in ChildrenOf(vni, folder))
                    batch.Data(ChildPath(vni, folder, rule, NetworkKeys.RuleText)).Data(ChildPath(vni, folder, rule, NetworkKeys.RuleOrder));
        }
        await batch.ReadAsync(cancellationToken);

        return [.. chosen.Select(vni =>
        {
            string? Get(string key) => batch.Text(NetworkKeys.Path(vni, key));
            return new Network
            {
                Vni = vni,
                Description = batch.Text(NetworkKeys.Path(vni)) ?? "",
                Type = Wire.NetworkType.Decode(Get(NetworkKeys.Type)),
                Mtu = PvcNumber.DecodeInt(Get(NetworkKeys.Mtu)),
                Domain = PvcText.Decode(Get(NetworkKeys.Domain)),
                NameServers = PvcList.DecodeComma(Get(NetworkKeys.NameServers)),
                Ip4Network = PvcAddress.DecodeNetwork(Get(NetworkKeys.Ip4Network)),
                Ip4Gateway = PvcAddress.DecodeAddress(Get(NetworkKeys.Ip4Gateway)),
                Ip4Dhcp = PvcBool.Decode(Get(NetworkKeys.Ip4Dhcp)),
                Ip4DhcpStart = PvcAddress.DecodeAddress(Get(NetworkKeys.Ip4DhcpStart)),
                Ip4DhcpEnd = PvcAddress.DecodeAddress(Get(NetworkKeys.Ip4DhcpEnd)),
                Ip6Network = PvcAddress.DecodeNetwork(Get(NetworkKeys.Ip6Network)),
                Ip6Gateway = PvcAddress.DecodeAddress(Get(NetworkKeys.Ip6Gateway)),
                Ip6Dhcp = PvcBool.Decode(Get(NetworkKeys.Ip6Dhcp)),
                Reservations = [.. ChildrenOf(vni, NetworkKeys.Reservations).Select(mac => new DhcpReservation
                {
                    Vni = vni,
                    MacAddress = mac,
                    IpAddress = PvcAddress.DecodeAddress(batch.Text(ChildPath(vni, NetworkKeys.Reservations, mac, NetworkKeys.ReservationIp))),
                    Hostname = PvcText.Decode(batch.Text(ChildPath(vni, NetworkKeys.Reservations, mac, NetworkKeys.ReservationHostname))),
                })],
                Leases = [.. ChildrenOf(vni, NetworkKeys.Leases).Select(mac => new DhcpLease
                {
                    Vni = vni,
                    MacAddress = mac,
                    IpAddress = PvcAddress.DecodeAddress(batch.Text(ChildPath(vni, NetworkKeys.Leases, mac, NetworkKeys.LeaseIp))),
                    Hostname = PvcText.Decode(batch.Text(ChildPath(vni, NetworkKeys.Leases, mac, NetworkKeys.LeaseHostname))),
                    Expiry = PvcNumber.DecodeEpoch(batch.Text(ChildPath(vni, NetworkKeys.Leases, mac, NetworkKeys.LeaseExpiry))),
                    ClientId = PvcText.Decode(batch.Text(ChildPath(vni, NetworkKeys.Leases, mac, NetworkKeys.LeaseClientId))) is { } id && id != "*" ? id : null,
                })],
                FirewallRules = [.. RuleFolders.SelectMany(f => ChildrenOf(vni, f.Key)
                    .Select(description => new FirewallRule
                    {
                        Vni = vni,
                        Direction = f.Direction,
                        Description = description,
                        Rule = batch.Text(ChildPath(vni, f.Key, description, NetworkKeys.RuleText)) ?? "",
                        Order = PvcNumber.DecodeInt(batch.Text(ChildPath(vni, f.Key, description, NetworkKeys.RuleOrder))),
                    })
                    .OrderBy(r => r.Order ?? int.MaxValue).ThenBy(r => r.Description, StringComparer.Ordinal))],
            };
        })];
    }
}
