using System.Net;

namespace Pvc.Core.Networks;

/// <summary>PVC's defaults for a network's values that were not given.</summary>
internal static class NetworkDefaults
{
    /// <summary>PVC's default IPv6 gateway: the network's prefix text followed by "1" ("2001:db8::/64" gives 2001:db8::1).</summary>
    public static IPAddress? Ip6Gateway(IPNetwork? network)
    {
        if (network is not { } n)
            return null;
        var bytes = n.BaseAddress.GetAddressBytes();
        bytes[^1] |= 1;
        return new IPAddress(bytes);
    }
}
