using Pvc.Core.Connection;
using Pvc.Core.Metrics;

namespace Pvc.NodeService.Metrics;

/// <summary>
/// The cluster as the last read of it left it, for scrapes to render from: reading 1,000 VMs from ZooKeeper takes several
/// times the 100 ms a scrape may take, rendering them far less (bench/RESULTS.md). While someone scrapes (a scrape within
/// the last <see cref="DemandWindow"/>), <see cref="RefreshAsync"/> reads the cluster once each keepalive interval (on the
/// primary; elsewhere it only notes it is not the primary), so what a scrape renders is at most one keepalive interval
/// (plus one read) behind ZooKeeper, which the nodes' keepalives write at that interval anyway. When nobody scrapes, it reads
/// nothing. A scrape that finds no read younger than two intervals (the first after a quiet spell, or the refresh falling
/// behind) reads the cluster itself; reads are never run twice at once: a scrape during a read waits for it.
/// </summary>
public sealed class ClusterMetricsCache(TimeSpan interval, TimeProvider? time = null)
{
    /// <summary>How long after the last scrape the cluster is still read each interval: longer than any usual scrape interval.</summary>
    public static readonly TimeSpan DemandWindow = TimeSpan.FromMinutes(2);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private Entry? _entry;
    private Task<Entry>? _reading;
    private long _lastScrape = long.MinValue;
    private int _reads;

    /// <summary>The interval the cluster is read at while scraped.</summary>
    public TimeSpan Interval => interval;

    /// <summary>How many reads of the cluster have finished (for tests and the benchmark).</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>
    /// The snapshot for a scrape: the last read's when it is at most two intervals old, of the same connection and this
    /// node is still the primary (the primary key is read again), else a new read. Null when this node is not the primary coordinator.
    /// </summary>
    public async Task<ClusterMetricsSnapshot?> GetAsync(ClusterConnection cluster, string nodeName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var now = _time.GetTimestamp();
        Volatile.Write(ref _lastScrape, now);
        var entry = Volatile.Read(ref _entry);
        if (entry is not null && ReferenceEquals(entry.Cluster, cluster) && _time.GetElapsedTime(entry.ReadAt, now) <= interval * 2)
        {
            if (entry.Snapshot is null)
                return null;
            // the primary may have moved since the read: a node that is no longer the primary serves no cluster series
            // (one read of the primary key, not the whole cluster), and its last read is dropped
            if (await ClusterMetricsReader.IsPrimaryAsync(cluster, nodeName, cancellationToken).ConfigureAwait(false))
                return entry.Snapshot;
            Interlocked.CompareExchange(ref _entry, null, entry);
            return null;
        }
        return (await ReadAsync(cluster, nodeName).WaitAsync(cancellationToken).ConfigureAwait(false)).Snapshot;
    }

    /// <summary>True when a scrape came within the last <see cref="DemandWindow"/>.</summary>
    public bool IsWanted
    {
        get
        {
            var last = Volatile.Read(ref _lastScrape);
            return last != long.MinValue && _time.GetElapsedTime(last) <= DemandWindow;
        }
    }

    /// <summary>
    /// Reads the cluster each interval while <see cref="IsWanted"/>, from <paramref name="connection"/>'s current
    /// connection (none: nothing to read), until <paramref name="cancellationToken"/> is cancelled. A failed read is left
    /// to the next tick; the scrape then reads (and reports) itself.
    /// </summary>
    public async Task RefreshAsync(Func<ClusterConnection?> connection, string nodeName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var timer = new PeriodicTimer(interval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!IsWanted || connection() is not { IsConnected: true } cluster)
                continue;
            try
            {
                await ReadAsync(cluster, nodeName).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // ZooKeeper unreachable for now: the scrapes say so
            }
        }
    }

    /// <summary>The one read under way, or a new one; its result becomes the entry scrapes render from.</summary>
    private Task<Entry> ReadAsync(ClusterConnection cluster, string nodeName)
    {
        lock (_lock)
        {
            if (_reading is { IsCompleted: false } running)
                return running;
            return _reading = ReadNowAsync(cluster, nodeName);
        }
    }

    private async Task<Entry> ReadNowAsync(ClusterConnection cluster, string nodeName)
    {
        await Task.Yield();
        var readAt = _time.GetTimestamp();
        // a read is bounded by the connection's own request timeout; a scrape that gives up does not cancel it for the others
        var snapshot = await ClusterMetricsReader.ReadIfPrimaryAsync(cluster, nodeName, CancellationToken.None).ConfigureAwait(false);
        var entry = new Entry(cluster, snapshot, readAt);
        Volatile.Write(ref _entry, entry);
        Interlocked.Increment(ref _reads);
        return entry;
    }

    private sealed record Entry(ClusterConnection Cluster, ClusterMetricsSnapshot? Snapshot, long ReadAt);
}
