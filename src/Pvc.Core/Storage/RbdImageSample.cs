using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pvc.Core.Storage;

/// <summary>
/// An RBD image's details as a node reads them from librbd, to be stored as PVC stores <c>rbd info --format json</c>
/// (a volume's or snapshot's <c>/stats</c>); <see cref="RbdImageInfo"/> reads them back.
/// </summary>
public sealed record RbdImageSample
{
    /// <summary>The image's name (a snapshot's stats name its volume, as rbd info does).</summary>
    public required string Name { get; init; }
    /// <summary>The image id.</summary>
    public required string Id { get; init; }
    /// <summary>Size, bytes.</summary>
    public required long SizeBytes { get; init; }
    /// <summary>Objects at that size.</summary>
    public required long Objects { get; init; }
    /// <summary>Object size as a power of two.</summary>
    public required int Order { get; init; }
    /// <summary>Object size, bytes.</summary>
    public required long ObjectSizeBytes { get; init; }
    /// <summary>Snapshots of the image.</summary>
    public required int SnapshotCount { get; init; }
    /// <summary>The prefix of its data objects.</summary>
    public required string BlockNamePrefix { get; init; }
    /// <summary>Enabled features, by rbd's names.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];
    /// <summary>Operation features, by rbd's names.</summary>
    public IReadOnlyList<string> OpFeatures { get; init; } = [];
    /// <summary>Flags, by rbd's names.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];
    /// <summary>For a snapshot: whether it is protected; null for a volume.</summary>
    public bool? Protected { get; init; }
    /// <summary>Created (UTC).</summary>
    public required DateTime Created { get; init; }
    /// <summary>Last accessed (UTC).</summary>
    public required DateTime Accessed { get; init; }
    /// <summary>Last modified (UTC).</summary>
    public required DateTime Modified { get; init; }

    /// <summary>The document as rbd prints it (compact JSON, rbd's key order, times as C's asctime in the node's local time).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("name", Name);
            w.WriteString("id", Id);
            w.WriteNumber("size", SizeBytes);
            w.WriteNumber("objects", Objects);
            w.WriteNumber("order", Order);
            w.WriteNumber("object_size", ObjectSizeBytes);
            w.WriteNumber("snapshot_count", SnapshotCount);
            w.WriteString("block_name_prefix", BlockNamePrefix);
            w.WriteNumber("format", 2);
            List("features", Features);
            List("op_features", OpFeatures);
            List("flags", Flags);
            w.WriteString("create_timestamp", AscTime(Created));
            w.WriteString("access_timestamp", AscTime(Accessed));
            w.WriteString("modify_timestamp", AscTime(Modified));
            if (Protected is { } p)
                w.WriteString("protected", p ? "true" : "false");
            w.WriteEndObject();

            void List(string name, IReadOnlyList<string> items)
            {
                w.WriteStartArray(name);
                foreach (var item in items)
                    w.WriteStringValue(item);
                w.WriteEndArray();
            }
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>C's asctime ("Thu Jan  4 10:00:00 2024"), in local time as rbd prints it.</summary>
    private static string AscTime(DateTime utc)
    {
        var t = DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToLocalTime();
        return string.Create(CultureInfo.InvariantCulture, $"{t:ddd MMM} {t.Day,2} {t:HH:mm:ss yyyy}");
    }
}
