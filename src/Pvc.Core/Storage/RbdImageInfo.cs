using System.Collections.Concurrent;
using Pvc.Core.Schema;

namespace Pvc.Core.Storage;

/// <summary>
/// An RBD image's details as <c>rbd info --format json</c> printed them when PVC last scanned it: a volume's
/// <c>/stats</c>, or a snapshot's (which adds <see cref="Protected"/>). Not refreshed periodically.
/// </summary>
public sealed record RbdImageInfo
{
    /// <summary>The image name.</summary>
    public string? Name { get; init; }
    /// <summary>The image id.</summary>
    public string? Id { get; init; }
    /// <summary>Size, bytes.</summary>
    public long? SizeBytes { get; init; }
    /// <summary>Number of objects.</summary>
    public long? Objects { get; init; }
    /// <summary>Object size as a power of two.</summary>
    public int? Order { get; init; }
    /// <summary>Object size, bytes.</summary>
    public long? ObjectSizeBytes { get; init; }
    /// <summary>Snapshots of the image (PVC adjusts it as it adds and removes snapshots).</summary>
    public int? SnapshotCount { get; init; }
    /// <summary>The prefix of the image's data objects.</summary>
    public string? BlockNamePrefix { get; init; }
    /// <summary>Image format (2 for every current image).</summary>
    public int? Format { get; init; }
    /// <summary>Enabled features (layering, exclusive-lock, ...).</summary>
    public IReadOnlyList<string> Features { get; init; } = [];
    /// <summary>Operation features (clone-parent, ...).</summary>
    public IReadOnlyList<string> OpFeatures { get; init; } = [];
    /// <summary>Flags.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];
    /// <summary>Whether the snapshot is protected (snapshots only).</summary>
    public bool? Protected { get; init; }
    /// <summary>Creation time, in the Ceph host's local time (rbd prints no zone).</summary>
    public DateTime? Created { get; init; }
    /// <summary>Last access time, in the Ceph host's local time.</summary>
    public DateTime? Accessed { get; init; }
    /// <summary>Last modification time, in the Ceph host's local time.</summary>
    public DateTime? Modified { get; init; }
    /// <summary>The whole document, for fields not typed here.</summary>
    public required string Json { get; init; }

    // Parse is a pure function of the text: a text parsed once (a volume's stats, unchanged since the last listing) is
    // answered from here, as a copy of its record (each caller gets its own object, as before). Parsing was most of
    // Get-PvcVolume's time over 1,000 volumes (bench/RESULTS.md, issue 14); a look-up hashes and compares the text.
    // Bounded: emptied when it grows past the limit.
    private const int CacheLimit = 16_384;
    private static readonly ConcurrentDictionary<string, RbdImageInfo> Parsed = new(StringComparer.Ordinal);
    private static int _cached;

    /// <summary>Parses rbd's JSON; null for "", "None" or anything that is not a JSON object.</summary>
    public static RbdImageInfo? Parse(string? json)
    {
        if (json is null)
            return null;
        if (Parsed.TryGetValue(json, out var known))
            return known with { };
        var info = ParseText(json);
        if (info is null)
            return null;
        if (Interlocked.Increment(ref _cached) > CacheLimit)
        {
            Parsed.Clear();
            Interlocked.Exchange(ref _cached, 0);
        }
        Parsed[json] = info;
        return info with { };
    }

    private static RbdImageInfo? ParseText(string json)
    {
        if (PvcJson.ParseObject(json) is not { } o)
            return null;
        return new RbdImageInfo
        {
            Name = PvcJson.Text(o, "name"),
            Id = PvcJson.Text(o, "id"),
            SizeBytes = PvcJson.Long(o, "size"),
            Objects = PvcJson.Long(o, "objects"),
            Order = PvcJson.Int(o, "order"),
            ObjectSizeBytes = PvcJson.Long(o, "object_size"),
            SnapshotCount = PvcJson.Int(o, "snapshot_count"),
            BlockNamePrefix = PvcJson.Text(o, "block_name_prefix"),
            Format = PvcJson.Int(o, "format"),
            Features = PvcJson.TextList(o, "features"),
            OpFeatures = PvcJson.TextList(o, "op_features"),
            Flags = PvcJson.TextList(o, "flags"),
            Protected = PvcJson.Bool(o, "protected"),
            Created = PvcJson.AscTime(o, "create_timestamp"),
            Accessed = PvcJson.AscTime(o, "access_timestamp"),
            Modified = PvcJson.AscTime(o, "modify_timestamp"),
            Json = json!,
        };
    }
}
