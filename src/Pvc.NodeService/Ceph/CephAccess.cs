using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Ceph;

/// <summary>
/// The node service's one librados connection, made on first use and kept for the life of the process (PVC's keepalive
/// holds one too); a connection that could not be made is tried again on the next use, so a node whose monitors
/// are not up yet starts all the same. A node without pvc.conf's <c>ceph</c> section has one that is not configured:
/// every use is "StorageNotConfigured".
/// </summary>
public sealed class CephAccess : IDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private RadosCluster? _cluster;

    /// <summary>Access as <paramref name="options"/> says; null for a node without Ceph.</summary>
    public CephAccess(CephClientOptions? options) => Options = options;

    /// <summary>Access as pvc.conf says (its <c>ceph</c> section, or none).</summary>
    public CephAccess(NodeConfig config) : this(config?.Ceph is { } c ? OptionsOf(c) : null)
    {
    }

    /// <summary>How the connection is made; null when this node has no Ceph.</summary>
    public CephClientOptions? Options { get; }

    /// <summary>True when this node is configured to reach Ceph.</summary>
    public bool IsConfigured => Options is not null;

    /// <summary>The client options of pvc.conf's <c>ceph</c> section.</summary>
    public static CephClientOptions OptionsOf(CephSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new CephClientOptions { ConfigPath = settings.ConfigFile, KeyringPath = settings.KeyringFile, ClientName = settings.ClientName };
    }

    /// <summary>The connected cluster.</summary>
    /// <exception cref="Core.Errors.PvcException">"StorageNotConfigured"; "CephTimeout", "CephAccessDenied", ...: no connection could be made.</exception>
    public async Task<RadosCluster> ConnectAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _cluster) is { } connected)
            return connected;
        if (Options is not { } options)
            throw new Core.Errors.PvcException(Core.Errors.PvcErrorKind.ResourceUnavailable, Core.Errors.PvcErrorIds.StorageNotConfigured,
                "This node has no Ceph configured (pvc.conf's ceph section), so it cannot do storage work; route the task to a node that has.");
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            return _cluster ??= await RadosCluster.ConnectAsync(options, cancellationToken);
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>The connection when it can be made within <paramref name="timeout"/>, else null (not configured, or Ceph not reachable now).</summary>
    public async Task<RadosCluster?> TryConnectAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!IsConfigured)
            return null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await ConnectAsync(deadline.Token).WaitAsync(deadline.Token);
        }
        catch (Exception e) when (e is Core.Errors.PvcException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
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
