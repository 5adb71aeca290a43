using Pvc.Core.Errors;

namespace Pvc.NodeService.Ceph;

/// <summary>
/// The node's one connection to its Ceph cluster (pvc.conf's <c>ceph</c> section), made when first needed and made
/// again after a failed attempt: a node service starts before its cluster's monitors may answer, and most of its work
/// needs no Ceph at all. Thread-safe; disposing it closes the connection.
/// </summary>
/// <param name="options">How to connect; null when the node has no Ceph configured.</param>
public sealed class CephAccess(CephClientOptions? options) : IDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private RadosCluster? _cluster;
    private bool _disposed;

    /// <summary>How it connects; null when the node has no Ceph configured.</summary>
    public CephClientOptions? Options { get; } = options;

    /// <summary>True when the node has Ceph configured.</summary>
    public bool IsConfigured => Options is not null;

    /// <summary>The connection, made now if there is none.</summary>
    /// <exception cref="PvcException">ResourceUnavailable: "CephNotConfigured"; or the cluster could not be reached ("CephTimeout", "CephAccessDenied", ...).</exception>
    public async Task<RadosCluster> ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _cluster) is { } ready)
            return ready;
        var options = Options ?? throw new PvcException(PvcErrorKind.ResourceUnavailable, PvcErrorIds.CephNotConfigured,
            "This node has no Ceph access configured: give its pvc.conf a ceph section (ceph_config_file and ceph_keyring_file under path.ceph_directory).");
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _cluster ??= await RadosCluster.ConnectAsync(options, cancellationToken);
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
