using System.Globalization;

namespace Pvc.Core.Schema;

/// <summary>PVC's numbers: decimal strings, invariant culture; "", "None" or garbage read as null.</summary>
public static class PvcNumber
{
    /// <summary>An integer, or null.</summary>
    public static long? DecodeLong(string? text) =>
        long.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
        : double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? (long)d : null;

    /// <summary>An integer, or null.</summary>
    public static int? DecodeInt(string? text) => DecodeLong(text) is long v && v is >= int.MinValue and <= int.MaxValue ? (int)v : null;

    /// <summary>A float, or null.</summary>
    public static double? DecodeDouble(string? text) =>
        double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    /// <summary>Unix epoch seconds (int or float string) as a time, or null.</summary>
    public static DateTimeOffset? DecodeEpoch(string? text) =>
        DecodeDouble(text) is double s && s > 0 ? DateTimeOffset.FromUnixTimeMilliseconds((long)(s * 1000)) : null;

    /// <summary>An integer as PVC writes it.</summary>
    public static string Encode(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A float as PVC writes it (Python's str, at most the digits needed).</summary>
    public static string Encode(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Unix epoch seconds as PVC's keepalive writes them.</summary>
    public static string EncodeEpoch(DateTimeOffset time) => Encode(time.ToUnixTimeSeconds());
}
