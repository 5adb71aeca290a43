using System.Text.Json;

namespace Pvc.NodeService.Ceph;

/// <summary>The cluster's utilisation (<c>ceph df --format json</c>): raw totals and each pool's figures.</summary>
public sealed record CephUsage
{
    /// <summary>Raw capacity of every OSD, bytes.</summary>
    public required long TotalBytes { get; init; }

    /// <summary>Raw bytes used (data, replicas and overhead).</summary>
    public required long UsedBytes { get; init; }

    /// <summary>Raw bytes free.</summary>
    public required long AvailableBytes { get; init; }

    /// <summary>Each pool's figures.</summary>
    public required IReadOnlyList<CephPoolUsage> Pools { get; init; }

    /// <summary>The document as Ceph printed it.</summary>
    public required string Json { get; init; }

    /// <summary>Reads Ceph's df JSON.</summary>
    /// <exception cref="JsonException">It is not Ceph's df document.</exception>
    /// <exception cref="KeyNotFoundException">A field Ceph 16 always prints is missing.</exception>
    public static CephUsage Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var stats = doc.RootElement.GetProperty("stats");
        var pools = new List<CephPoolUsage>();
        if (doc.RootElement.TryGetProperty("pools", out var p))
        {
            foreach (var pool in p.EnumerateArray())
            {
                var s = pool.GetProperty("stats");
                pools.Add(new CephPoolUsage(pool.GetProperty("name").GetString() ?? "", pool.GetProperty("id").GetInt64(),
                    s.GetProperty("stored").GetInt64(), s.GetProperty("objects").GetInt64(), s.GetProperty("max_avail").GetInt64())
                {
                    UsedBytes = s.GetProperty("bytes_used").GetInt64(),
                    UsedFraction = s.GetProperty("percent_used").GetDouble(),
                });
            }
        }
        return new CephUsage
        {
            TotalBytes = stats.GetProperty("total_bytes").GetInt64(),
            UsedBytes = stats.GetProperty("total_used_raw_bytes").GetInt64(),
            AvailableBytes = stats.GetProperty("total_avail_bytes").GetInt64(),
            Pools = pools,
            Json = json,
        };
    }
}

/// <summary>A pool's line of <c>ceph df</c>.</summary>
/// <param name="Name">The pool.</param>
/// <param name="Id">Its id.</param>
/// <param name="StoredBytes">Bytes stored by clients (before replication).</param>
/// <param name="Objects">Objects in it.</param>
/// <param name="MaxAvailableBytes">Bytes clients can still store in it, as Ceph estimates from its rule and replication.</param>
public sealed record CephPoolUsage(string Name, long Id, long StoredBytes, long Objects, long MaxAvailableBytes)
{
    /// <summary>Raw bytes the pool takes on the OSDs (after replication).</summary>
    public long UsedBytes { get; init; }

    /// <summary>The fraction of the pool's space used (ceph's percent_used, 0 to 1).</summary>
    public double UsedFraction { get; init; }
}
