using System.Globalization;
using System.Net;

namespace Pvc.NodeService.Networks;

/// <summary>A complete IPv4 neighbour entry: the MAC an address answers with and the device it is reached on.</summary>
/// <param name="Device">The interface (a network's bridge <c>vmbr&lt;vni&gt;</c>, for a guest).</param>
/// <param name="Mac">The MAC, lowercase.</param>
internal sealed record Neighbour(string Device, string Mac)
{
    /// <summary>The VNI of a network's bridge <c>vmbr&lt;vni&gt;</c>, else null.</summary>
    public int? Vni => Device.StartsWith("vmbr", StringComparison.Ordinal) && Device.Length > 4 && Device.Skip(4).All(char.IsAsciiDigit)
        && int.TryParse(Device.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var vni) ? vni : null;
}

/// <summary>
/// The kernel's IPv4 neighbour (ARP) table of a network namespace, from <c>/proc/thread-self/net/arp</c>: how the
/// metadata API learns which bridge a request came in on and which MAC sent it. A TCP connection to the API cannot
/// complete before the primary resolved the source's address on the device its reply leaves by, so the entry is
/// there, complete, when the request is read.
/// </summary>
internal static class NeighbourTable
{
    private const int Complete = 0x2; // ATF_COM

    /// <summary>The complete entries for <paramref name="address"/> in <paramref name="netns"/> (or this process's namespace).</summary>
    public static IReadOnlyList<Neighbour> Find(IPAddress address, string? netns)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            return [];
        var text = NetworkNamespace.Run(netns, () => File.ReadAllText("/proc/thread-self/net/arp"));
        return Parse(text, address);
    }

    /// <summary>The complete entries for <paramref name="address"/> in <c>/proc/net/arp</c>'s <paramref name="text"/>.</summary>
    public static IReadOnlyList<Neighbour> Parse(string text, IPAddress address)
    {
        var found = new List<Neighbour>();
        // IP address, HW type, Flags, HW address, Mask, Device; the first line is the header
        foreach (var line in text.Split('\n').Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 6 || !IPAddress.TryParse(f[0], out var ip) || !ip.Equals(address)
                || !int.TryParse(f[2].StartsWith("0x", StringComparison.Ordinal) ? f[2][2..] : f[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags)
                || (flags & Complete) == 0)
                continue;
            found.Add(new Neighbour(f[5], f[3].ToLowerInvariant()));
        }
        return found;
    }
}
