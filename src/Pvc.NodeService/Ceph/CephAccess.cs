using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Ceph;

/// <summary>
/// The node service's one librados connection, made on first use and kept for the life of the process (PVC's keepalive
/// holds one too); a connection that could not be made is tried again on the next use, so a node whose monitors
/// are not up yet starts all the same.
/// </summary>
public sealed class CephAccess : IDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private RadosCluster? _cluster;

    /// <summary>Access as <paramref name="options"/> says.</summary>
    public CephAccess(CephClientOptions options) => Options = options;

    /// <summary>How the connection is made.</summary>
    public CephClientOptions Options { get; }

    /// <summary>The client options of pvc.conf's <c>ceph</c> section.</summary>
    public static CephClientOptions OptionsOf(CephSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new CephClientOptions { ConfigPath = settings.ConfigFile, KeyringPath = settings.KeyringFile, ClientName = settings.ClientName };
    }

    /// <summary>The connected cluster.</summary>
    /// <exception cref="Core.Errors.PvcException">"CephTimeout", "CephAccessDenied", ...: no connection could be made.</exception>
    public async Task<RadosCluster> ConnectAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _cluster) is { } connected)
            return connected;
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            return _cluster ??= await RadosCluster.ConnectAsync(Options, cancellationToken);
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>The monitors' commands over the connection.</summary>
    public async Task<CephMonitor> MonitorAsync(CancellationToken cancellationToken) => new(await ConnectAsync(cancellationToken));

    /// <summary>RBD images over the connection.</summary>
    public async Task<RbdImages> ImagesAsync(CancellationToken cancellationToken) => new(await ConnectAsync(cancellationToken));

    /// <summary>Closes the connection.</summary>
    public void Dispose()
    {
        _cluster?.Dispose();
        _connecting.Dispose();
    }
}
