using System.Text.Json.Nodes;

namespace Pvc.Core.Storage;

/// <summary>
/// One of a benchmark's eight fio jobs, as PVC's <c>benchmark info</c> summarises it: the side it measured (read or
/// write), its bandwidth, IOPS and mean latency. <see cref="Report"/> keeps fio's whole job report.
/// </summary>
public sealed record StorageBenchmarkTest
{
    /// <summary>PVC's job name (seq_read, rand_write_4K_lowdepth, ...).</summary>
    public required string Name { get; init; }

    /// <summary>"read" or "write".</summary>
    public required string Side { get; init; }

    /// <summary>Bytes per second (fio's bw, KiB/s, × 1024).</summary>
    public long? BandwidthBytesPerSecond { get; init; }

    /// <summary>I/O operations per second.</summary>
    public double? Iops { get; init; }

    /// <summary>The mean latency of one I/O (fio's lat_ns mean).</summary>
    public TimeSpan? MeanLatency { get; init; }

    /// <summary>fio's report of the job (its <c>jobs[0]</c>).</summary>
    public JsonObject? Report { get; init; }

    /// <summary>
    /// The test of PVC's result document entry <paramref name="entry"/> (<c>{..., "jobs": [fio's job report]}</c>, as
    /// PVC's format 2 keeps it); the side is the one the job's name says (read/write).
    /// </summary>
    public static StorageBenchmarkTest Parse(string name, JsonNode? entry)
    {
        var report = entry?["jobs"]?[0] as JsonObject;
        var side = name.Contains("read", StringComparison.Ordinal) ? "read" : "write";
        var figures = report?[side];
        return new StorageBenchmarkTest
        {
            Name = name,
            Side = side,
            BandwidthBytesPerSecond = Number(figures?["bw"]) is { } kib ? (long)(kib * 1024) : null,
            Iops = Number(figures?["iops"]),
            MeanLatency = Number(figures?["lat_ns"]?["mean"]) is { } ns ? TimeSpan.FromTicks((long)(ns / 100)) : null,
            Report = report,
        };
    }

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && (v.TryGetValue<double>(out var d) || (v.TryGetValue<long>(out var l) && (d = l) == l)) ? d : null;
}
