using System.Globalization;

namespace Pvc.Core.Schema;

/// <summary>
/// PVC's wall-clock times: Python's <c>str(datetime)</c> with the microseconds cut off,
/// "YYYY-MM-DD HH:MM:SS" (faults' first_time, last_time and ack_time). PVC writes no zone; Pvc writes
/// and reads them as UTC.
/// </summary>
public static class PvcTime
{
    private const string Format = "yyyy-MM-dd HH:mm:ss";
    private static readonly string[] ReadFormats = [Format, "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF"];

    /// <summary>"YYYY-MM-DD HH:MM:SS" in UTC, fractions of a second dropped.</summary>
    public static string Encode(DateTimeOffset time) => time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>The time (UTC) of such a string (fractions of a second accepted); null for "", "None" or garbage.</summary>
    public static DateTimeOffset? Decode(string? text) =>
        PvcText.Decode(text?.Trim()) is { } t
        && DateTime.TryParseExact(t, ReadFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? new DateTimeOffset(parsed, TimeSpan.Zero)
            : null;
}
