namespace Pvc.Core.Schema;

/// <summary>
/// A two-way map between an enum and PVC's strings for it ("migrate-live", "fence-flush", ...).
/// Unknown strings read as the enum's default member, which each enum names Unknown (or its
/// "not set" value), so a newer PVC's value never breaks a read.
/// </summary>
public sealed class WireEnum<T> where T : struct, Enum
{
    private readonly Dictionary<T, string> _toWire;
    private readonly Dictionary<string, T> _fromWire;

    /// <summary>Creates the map from (value, wire string) pairs.</summary>
    public WireEnum(params (T Value, string Wire)[] pairs)
    {
        _toWire = pairs.ToDictionary(p => p.Value, p => p.Wire);
        _fromWire = pairs.ToDictionary(p => p.Wire, p => p.Value, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The wire string of a value.</summary>
    public string Encode(T value) =>
        _toWire.TryGetValue(value, out var s) ? s : throw new ArgumentOutOfRangeException(nameof(value), value, $"{typeof(T).Name}.{value} has no PVC value.");

    /// <summary>The wire string of a value, or "unknown" for a value without one (for messages).</summary>
    public string Describe(T? value) => value is { } v && _toWire.TryGetValue(v, out var s) ? s : "unknown";

    /// <summary>The value of a wire string; default(T) when unknown or absent.</summary>
    public T Decode(string? text) => text is not null && _fromWire.TryGetValue(text.Trim(), out var v) ? v : default;

    /// <summary>True when the text is one of the known strings.</summary>
    public bool IsKnown(string? text) => text is not null && _fromWire.ContainsKey(text.Trim());

    /// <summary>Every known wire string.</summary>
    public IEnumerable<string> WireValues => _fromWire.Keys;
}
