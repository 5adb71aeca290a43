using System.Net;
using System.Net.Sockets;

namespace Pvc.Core.Schema;

/// <summary>
/// PVC's IP addresses ("10.0.0.1", "2001:db8::1") and networks in CIDR form ("10.0.0.0/24"). PVC writes
/// "None" or "" when there is none; those, and anything unparsable, read as null.
/// </summary>
public static class PvcAddress
{
    /// <summary>An address, or null.</summary>
    public static IPAddress? DecodeAddress(string? text) =>
        PvcText.Decode(text?.Trim()) is { } s && !s.Contains('/') && IPAddress.TryParse(s, out var address) ? address : null;

    /// <summary>
    /// A network "address/prefix", or null. Host bits set after the prefix ("10.0.0.1/24") are cleared
    /// rather than refused, as PVC does not check them.
    /// </summary>
    public static IPNetwork? DecodeNetwork(string? text)
    {
        if (PvcText.Decode(text?.Trim()) is not { } s)
            return null;
        var slash = s.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !IPAddress.TryParse(s[..slash], out var address)
            || !int.TryParse(s[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix))
            return null;
        var bytes = address.GetAddressBytes();
        if (prefix > bytes.Length * 8 || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            return null;
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPNetwork(new IPAddress(bytes), prefix);
    }

    /// <summary>An address as PVC writes it; "None" for null.</summary>
    public static string EncodeAddress(IPAddress? address) => address?.ToString() ?? "None";

    /// <summary>A network as PVC writes it; "None" for null.</summary>
    public static string EncodeNetwork(IPNetwork? network) => network?.ToString() ?? "None";
}
