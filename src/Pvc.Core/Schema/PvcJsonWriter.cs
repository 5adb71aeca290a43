using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pvc.Core.Schema;

/// <summary>
/// Writes a JSON object as PVC's Python writes its stats documents (<c>json.dumps</c>: <c>{"a": 1, "b": "x"}</c>,
/// a space after each ':' and ','), so that a document Pvc writes looks like one PVC wrote.
/// </summary>
public sealed class PvcJsonWriter
{
    private readonly StringBuilder _text = new("{");

    /// <summary>Adds a whole number.</summary>
    public PvcJsonWriter Add(string name, long value) => Raw(name, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds a number with a fraction (shortest round-trip form; NaN and infinities, which JSON has not, as 0).</summary>
    public PvcJsonWriter Add(string name, double value) =>
        Raw(name, double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "0");

    /// <summary>Adds a string.</summary>
    public PvcJsonWriter Add(string name, string value) => Raw(name, JsonSerializer.Serialize(value));

    /// <summary>Adds an object (PVC's nested documents: a VM's <c>mem_stats</c>).</summary>
    public PvcJsonWriter Add(string name, PvcJsonWriter value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Raw(name, value.ToString());
    }

    /// <summary>Adds a list of objects (a VM's <c>disk_stats</c>).</summary>
    public PvcJsonWriter Add(string name, IEnumerable<PvcJsonWriter> values) =>
        Raw(name, "[" + string.Join(", ", values.Select(v => v.ToString())) + "]");

    private PvcJsonWriter Raw(string name, string value)
    {
        if (_text.Length > 1)
            _text.Append(", ");
        _text.Append(JsonSerializer.Serialize(name)).Append(": ").Append(value);
        return this;
    }

    /// <summary>The document.</summary>
    public override string ToString() => _text.ToString() + "}";
}
