using System.Net;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Vms;

namespace Pvc.Core.Networks;

/// <summary>
/// What the primary's metadata API finds guests in, read once and kept until the keys it came from change
/// (<see cref="NetworkHostOperations.ReadGuestTableAsync"/>): every managed network's DHCPv4 leases and every VM's NICs. A
/// guest is found by the network whose bridge its request came in on, its source address and its MAC (the primary's
/// neighbour entry for the source): only an unexpired lease of that network with that address and that MAC, and then
/// the one VM with a NIC of that MAC on that network's bridge, match.
/// </summary>
public sealed class MetadataGuestTable
{
    private readonly Dictionary<int, Network> _networks;
    private readonly Dictionary<string, List<Vm>> _vmsByMac;

    internal MetadataGuestTable(IEnumerable<Network> networks, IEnumerable<Vm> vms)
    {
        _networks = networks.Where(n => n.Type == NetworkType.Managed).ToDictionary(n => n.Vni);
        _vmsByMac = new Dictionary<string, List<Vm>>(StringComparer.Ordinal);
        foreach (var vm in vms)
            foreach (var mac in vm.Nics.Select(n => n.Mac?.ToLowerInvariant()).OfType<string>().Distinct(StringComparer.Ordinal))
            {
                if (!_vmsByMac.TryGetValue(mac, out var list))
                    _vmsByMac[mac] = list = [];
                list.Add(vm);
            }
    }

    /// <summary>A table with nothing in it: no guest is found.</summary>
    public static MetadataGuestTable Empty { get; } = new([], []);

    /// <summary>
    /// The VM a guest is: <paramref name="source"/> and <paramref name="mac"/> as the primary saw them on network
    /// <paramref name="vni"/>'s bridge at <paramref name="now"/>. Null when the source is not an address of that
    /// network, when no lease of that network that has not expired holds the address for that MAC, when not exactly
    /// one VM has a NIC of the MAC on the network's bridge, or when the VM's name or profile cannot be served (a
    /// name that is not a usable VM name, a profile with anything but letters, digits and <c>. _ -</c>).
    /// </summary>
    public MetadataGuest? Find(int vni, IPAddress source, string mac, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(mac);
        if (source.IsIPv4MappedToIPv6)
            source = source.MapToIPv4();
        if (!_networks.TryGetValue(vni, out var network) || network.Ip4Network is not { } subnet || !subnet.Contains(source))
            return null;
        string asking;
        try
        {
            asking = NetworkOperations.NormalizeMac(mac);
        }
        catch (PvcException)
        {
            return null;
        }
        var leased = network.Leases.Any(l => source.Equals(l.IpAddress) && (l.Expiry is not { } expiry || expiry > now) && SameMac(l.MacAddress, asking));
        if (!leased || !_vmsByMac.TryGetValue(asking, out var vms))
            return null;
        var onNetwork = vms.Where(vm => vm.Nics.Any(n => n.Vni == vni && string.Equals(n.Mac, asking, StringComparison.OrdinalIgnoreCase))).ToList();
        // more than one VM with the MAC anywhere: the guest cannot be told apart
        if (vms.Count != 1 || onNetwork.Count != 1)
            return null;
        var found = onNetwork[0];
        try
        {
            VmName.Validate(found.Name);
        }
        catch (PvcException)
        {
            return null;
        }
        var profile = string.IsNullOrEmpty(found.Profile) || found.Profile == "None" ? null : found.Profile;
        if (profile is not null && !profile.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            return null;
        return new MetadataGuest(found.Uuid, found.Name, profile);
    }

    private static bool SameMac(string? leased, string asking)
    {
        try
        {
            return leased is not null && NetworkOperations.NormalizeMac(leased) == asking;
        }
        catch (PvcException)
        {
            return false; // not a MAC: matches no NIC
        }
    }
}
