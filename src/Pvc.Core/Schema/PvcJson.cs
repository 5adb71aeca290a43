using System.Globalization;
using System.Text.Json;

namespace Pvc.Core.Schema;

/// <summary>
/// PVC's JSON documents (OSD, pool, volume and snapshot <c>/stats</c>), read tolerantly: a document that
/// is "", "None", malformed or not an object reads as null, and a field of the wrong kind reads as null.
/// PVC's placeholder value "|" (a new OSD's stats before its first report) reads as null everywhere.
/// Numbers are accepted as JSON numbers or numeric strings.
/// </summary>
public static class PvcJson
{
    /// <summary>PVC's placeholder for a value not reported yet.</summary>
    public const string Placeholder = "|";

    /// <summary>The document's root object (detached from its parse), or null when there is none.</summary>
    public static JsonElement? ParseObject(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text == "None")
            return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True when the field holds PVC's placeholder "|".</summary>
    public static bool IsPlaceholder(JsonElement obj, string name) =>
        Field(obj, name) is { ValueKind: JsonValueKind.String } v && v.GetString() == Placeholder;

    /// <summary>A string field (a number's text too), or null when absent, null, "" or the placeholder.</summary>
    public static string? Text(JsonElement obj, string name) => Field(obj, name) switch
    {
        { ValueKind: JsonValueKind.String } v => v.GetString() is { Length: > 0 } s && s != Placeholder ? s : null,
        { ValueKind: JsonValueKind.Number } v => v.GetRawText(),
        _ => null,
    };

    /// <summary>An integer field, or null.</summary>
    public static long? Long(JsonElement obj, string name) => Field(obj, name) switch
    {
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out var n) => n,
        { ValueKind: JsonValueKind.Number } v when v.TryGetDouble(out var d) && double.IsFinite(d) && Math.Abs(d) < 9e18 => (long)d,
        { ValueKind: JsonValueKind.String } v => PvcNumber.DecodeLong(v.GetString()),
        _ => null,
    };

    /// <summary>An integer field that fits an int, or null.</summary>
    public static int? Int(JsonElement obj, string name) => Long(obj, name) is long v && v is >= int.MinValue and <= int.MaxValue ? (int)v : null;

    /// <summary>A floating-point field, or null.</summary>
    public static double? Double(JsonElement obj, string name) => Field(obj, name) switch
    {
        { ValueKind: JsonValueKind.Number } v when v.TryGetDouble(out var d) && double.IsFinite(d) => d,
        { ValueKind: JsonValueKind.String } v => PvcNumber.DecodeDouble(v.GetString()),
        _ => null,
    };

    /// <summary>A boolean field: true/false, 0/1, or a string of either; null otherwise.</summary>
    public static bool? Bool(JsonElement obj, string name) => Field(obj, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out var n) && n is 0 or 1 => n == 1,
        { ValueKind: JsonValueKind.String } v when PvcBool.Decode(v.GetString()) == PvcBool.Decode(v.GetString(), fallback: true) => PvcBool.Decode(v.GetString()),
        _ => null,
    };

    /// <summary>The strings of an array field; empty when absent or not an array.</summary>
    public static IReadOnlyList<string> TextList(JsonElement obj, string name) =>
        Field(obj, name) is { ValueKind: JsonValueKind.Array } v
            ? [.. v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];

    /// <summary>
    /// A time as rbd prints it (C's asctime: "Thu Jan  4 10:00:00 2024", the Ceph host's local time, so
    /// no offset), or null.
    /// </summary>
    public static DateTime? AscTime(JsonElement obj, string name) =>
        Text(obj, name) is { } s
        && DateTime.TryParseExact(string.Join(' ', s.Split(' ', StringSplitOptions.RemoveEmptyEntries)), "ddd MMM d HH:mm:ss yyyy",
            CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t
            : null;

    private static JsonElement? Field(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) ? v : null;
}
