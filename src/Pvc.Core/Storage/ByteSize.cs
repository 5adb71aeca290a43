using System.Globalization;
using System.Text.RegularExpressions;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// Sizes as PVC's storage commands take them: a bare number of bytes, or a number with a unit B, K, M, G, T or P
/// (powers of 1024; "10G", "10GB", "10GiB" and "10g" are all 10 GiB, as PVC's format_bytes_fromhuman reads them).
/// </summary>
public static partial class ByteSize
{
    private static readonly Dictionary<char, long> Units = new()
    {
        ['B'] = 1, ['K'] = 1L << 10, ['M'] = 1L << 20, ['G'] = 1L << 30, ['T'] = 1L << 40, ['P'] = 1L << 50,
    };

    /// <summary>The bytes <paramref name="text"/> stands for.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidSize".</exception>
    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var m = Human().Match(text.Trim());
        if (!m.Success || !decimal.TryParse(m.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            throw Invalid(text);
        var unit = m.Groups[2].Success && m.Groups[2].Length > 0 ? Units[char.ToUpperInvariant(m.Groups[2].Value[0])] : 1;
        decimal bytes;
        try
        {
            bytes = decimal.Floor(number * unit);
        }
        catch (OverflowException)
        {
            throw Invalid(text);
        }
        return bytes is > 0 and <= long.MaxValue ? (long)bytes : throw Invalid(text);
    }

    /// <summary>A size for a person, in the largest unit that keeps it at least 1 (e.g. "10G", "1.5T"), as PVC prints sizes.</summary>
    public static string Format(long bytes)
    {
        foreach (var (unit, factor) in Units.OrderByDescending(u => u.Value))
        {
            if (Math.Abs(bytes) >= factor)
                return (bytes / (decimal)factor).ToString("0.##", CultureInfo.InvariantCulture) + (unit == 'B' ? "B" : unit.ToString());
        }
        return bytes.ToString(CultureInfo.InvariantCulture) + "B";
    }

    private static PvcException Invalid(string text) =>
        new(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidSize,
            $"'{string.Concat(text.Take(40).Select(c => char.IsControl(c) ? '?' : c))}' is not a size: give a positive number of bytes, or a number with a unit B, K, M, G, T or P (powers of 1024, e.g. 10G or 10GB).") { Target = text };

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)(?:([BbKkMmGgTtPp])(?:[iI]?[Bb])?)?$")]
    private static partial Regex Human();
}
