using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Networks;

public sealed partial class NetworkOperations
{
    [GeneratedRegex(@"^([0-9a-f]{2}:){5}[0-9a-f]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex MacPattern();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostnamePattern();

    /// <summary>A MAC address as PVC stores it (lowercase, ':'-separated).</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidMacAddress".</exception>
    public static string NormalizeMac(string mac)
    {
        ArgumentNullException.ThrowIfNull(mac);
        var lower = mac.Trim().ToLowerInvariant();
        return MacPattern().IsMatch(lower) ? lower
            : throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidMacAddress,
                $"'{mac}' is not a MAC address: give six pairs of hex digits separated by ':' (52:54:00:12:34:56).") { Target = mac };
    }

    /// <summary>
    /// Adds a static DHCP reservation (<c>pvc network dhcp add</c>): the primary's dnsmasq then hands
    /// <paramref name="address"/> to <paramref name="mac"/>. The address must be a host address of the network's IPv4
    /// network other than its gateway, and neither the MAC nor the address may be reserved already.
    /// </summary>
    /// <returns>The reservation as written.</returns>
    /// <exception cref="PvcException">
    /// NotFound: "NetworkNotFound"; InvalidArgument: "InvalidMacAddress", "InvalidHostname", "InvalidReservationAddress",
    /// "NetworkNotManaged"; AlreadyExists: "DhcpReservationExists"; WriteConflict: "NetworkChangedMeanwhile".
    /// </exception>
    public async Task<DhcpReservation> AddReservationAsync(string network, string mac, IPAddress address, string hostname, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(hostname);
        mac = NormalizeMac(mac);
        if (!HostnamePattern().IsMatch(hostname))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidHostname,
                $"'{hostname}' is not a host name: give one label of letters, digits and hyphens (at most 63).") { Target = hostname };
        var vni = await ResolveVniAsync(network, cancellationToken);
        var folder = NetworkKeys.Path(vni, NetworkKeys.Reservations);
        var read = await ReadVersionsAsync([NetworkKeys.Path(vni), folder], cancellationToken);
        var current = await _reader.GetAsync(vni, cancellationToken);
        if (current.Type != NetworkType.Managed)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.NetworkNotManaged,
                $"The network {vni} is bridged: the cluster serves no DHCP there, so it takes no reservations.") { Target = vni };
        if (current.Ip4Network is not { } subnet || address.AddressFamily != AddressFamily.InterNetwork || !subnet.Contains(address)
            || address.Equals(subnet.BaseAddress) || address.Equals(current.Ip4Gateway))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidReservationAddress,
                current.Ip4Network is null
                    ? $"The network {vni} has no IPv4 network to reserve {address} in: give it one first."
                    : $"{address} is not a client address of {current.Ip4Network} on network {vni}: give a host address inside it, other than the gateway {current.Ip4Gateway}.")
            { Target = address.ToString() };
        if (current.Reservations.FirstOrDefault(r => r.MacAddress == mac || address.Equals(r.IpAddress)) is { } taken)
            throw new PvcException(PvcErrorKind.AlreadyExists, PvcErrorIds.DhcpReservationExists,
                $"The network {vni} already reserves {taken.IpAddress} for {taken.MacAddress}: remove that reservation first.") { Target = mac };

        var path = NetworkEncoding.ChildPath(vni, NetworkKeys.Reservations, mac);
        await CommitAsync(vni, read,
        [
            BumpFolder(read, folder),
            Op.Create(path, Utf8("static")),
            Op.Create(path + NetworkKeys.ReservationHostname, Utf8(hostname)),
            Op.Create(path + NetworkKeys.ReservationIp, Utf8(address.ToString())),
        ], cancellationToken);
        return new DhcpReservation { Vni = vni, MacAddress = mac, IpAddress = address, Hostname = hostname };
    }

    /// <summary>Removes a static DHCP reservation by its MAC address (<c>pvc network dhcp remove</c>).</summary>
    /// <returns>The reservation as it was.</returns>
    /// <exception cref="PvcException">
    /// NotFound: "NetworkNotFound", "DhcpReservationNotFound"; InvalidArgument: "InvalidMacAddress"; WriteConflict: "NetworkChangedMeanwhile".
    /// </exception>
    public async Task<DhcpReservation> RemoveReservationAsync(string network, string mac, CancellationToken cancellationToken = default)
    {
        mac = NormalizeMac(mac);
        var vni = await ResolveVniAsync(network, cancellationToken);
        var folder = NetworkKeys.Path(vni, NetworkKeys.Reservations);
        var read = await ReadVersionsAsync([NetworkKeys.Path(vni), folder], cancellationToken);
        var current = await _reader.GetAsync(vni, cancellationToken);
        var reservation = current.Reservations.FirstOrDefault(r => r.MacAddress == mac)
            ?? throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.DhcpReservationNotFound,
                $"The network {vni} has no DHCP reservation for {mac}.") { Target = mac };
        var tree = await ZnodeTree.WalkAsync(Zk, [NetworkEncoding.ChildPath(vni, NetworkKeys.Reservations, mac)], withVersions: true, null, cancellationToken);
        await CommitAsync(vni, read, [BumpFolder(read, folder), .. tree.OrderByDescending(e => e.Depth).Select(e => Op.Delete(e.Path, e.Version))], cancellationToken);
        return reservation;
    }
}
