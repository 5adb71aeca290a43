namespace Pvc.NodeService.Ceph;

/// <summary>
/// The node's one connection to its Ceph cluster, made when first needed and made again after a failed attempt (a
/// node service starts before its cluster's monitors may answer, and most nodes' rounds need no Ceph at all).
/// Thread-safe; disposing it closes the connection.
/// </summary>
public sealed class CephAccess(CephClientOptions options) : IDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private RadosCluster? _cluster;
    private bool _disposed;

    /// <summary>How it connects.</summary>
    public CephClientOptions Options { get; } = options;

    /// <summary>The connection, made now if there is none.</summary>
    /// <exception cref="Core.Errors.PvcException">The cluster could not be reached ("CephTimeout", "CephAccessDenied", ...).</exception>
    public async Task<RadosCluster> ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _cluster) is { } ready)
            return ready;
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _cluster ??= await RadosCluster.ConnectAsync(Options, cancellationToken);
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose()
    {
        _connecting.Wait();
        try
        {
            _disposed = true;
            _cluster?.Dispose();
            _cluster = null;
        }
        finally
        {
            _connecting.Release();
        }
    }
}
