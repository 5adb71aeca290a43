using System.Net;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using Pvc.Core.Metrics;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Daemon;

namespace Pvc.NodeService.Metrics;

/// <summary>
/// The node's Prometheus endpoint (<c>subsystem.enable_prometheus</c>), on <see cref="NodeConfig.MetricsListen"/>:
/// <c>/metrics</c> is this process's own metrics (prometheus-net's process and .NET collectors) and, on the primary
/// coordinator, PVC's cluster metrics, rendered at each scrape from the cluster as last read (<see cref="ClusterMetricsCache"/>:
/// at most one keepalive interval behind while scraped); <c>/metrics/health</c> and <c>/metrics/resource</c> are PVC's two
/// cluster parts alone, <c>/metrics/ceph</c> Ceph's own metrics from the manager's prometheus module (<see cref="CephMgrMetrics"/>),
/// <c>/metrics/zookeeper</c> the ZooKeeper servers' own metrics (<see cref="ZooKeeperMntr"/>), both in <c>/metrics</c> too and
/// served by the primary alone, and <c>/metrics/process</c> the process part alone.
/// HttpListener (in the base runtime) rather than Kestrel: no ASP.NET Core in the daemon on every hypervisor.
/// </summary>
internal sealed class MetricsEndpoint(NodeConfig config, NodeDaemon daemon, Ceph.CephAccess ceph, ILogger<MetricsEndpoint> log) : BackgroundService
{
    private static readonly TimeSpan MntrTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How many scrapes are served at once; more are refused with 503 (each buffers its whole answer).</summary>
    internal const int MaxConcurrentScrapes = 4;

    private readonly SemaphoreSlim _scrapes = new(MaxConcurrentScrapes, MaxConcurrentScrapes);

    private readonly CollectorRegistry _process = CreateProcessRegistry();
    private readonly ClusterMetricsCache _snapshots = new(config.KeepaliveInterval);
    private readonly CephMgrMetrics _ceph = new(config.MetricsCephUrl, ceph, log);

    // mntr is plain TCP: a ZooKeeper reached over TLS only gets no zookeeper part (its 4lw port is not the client port)
    private readonly IReadOnlyList<System.Net.DnsEndPoint>? _zooKeeperServers = config.ZooKeeperTls is null ? Pvc.Core.Connection.ZooKeeperServers.Parse(config.ZooKeeper) : null;

    private static CollectorRegistry CreateProcessRegistry()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(registry);
        return registry;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (config.MetricsListen is not { } endpoint)
            return;
        using var listener = new HttpListener();
        var host = endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any) ? "*"
            : endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
        listener.Prefixes.Add($"http://{host}:{endpoint.Port}/");
        try
        {
            listener.Start();
        }
        catch (HttpListenerException e)
        {
            log.LogError("The metrics endpoint cannot listen on {Endpoint}: {Message}; no metrics are served", endpoint, e.Message);
            return;
        }
        log.LogInformation("Serving Prometheus metrics on http://{Endpoint}/metrics", endpoint);
        using var stop = stoppingToken.Register(listener.Stop);
        // the cluster is read each keepalive interval while someone scrapes, so a scrape only renders
        var refresh = _snapshots.RefreshAsync(() => daemon.Cluster, config.NodeName, stoppingToken);
        try
        {
            await AcceptAsync(listener, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                await refresh.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task AcceptAsync(HttpListener listener, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            if (!_scrapes.Wait(0))
            {
                Refuse(context.Response);
                continue;
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    await ServeAsync(context, stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    _scrapes.Release();
                }
            }, CancellationToken.None);
        }
    }

    /// <summary>503 for a scrape over <see cref="MaxConcurrentScrapes"/>.</summary>
    private static void Refuse(HttpListenerResponse response)
    {
        try
        {
            response.StatusCode = 503;
            response.Headers["Retry-After"] = "1";
            response.ContentLength64 = 0;
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or InvalidOperationException or ObjectDisposedException)
        {
            response.Abort();
        }
    }

    private async Task ServeAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        try
        {
            var path = context.Request.Url?.AbsolutePath.TrimEnd('/') ?? "";
            var (process, cluster) = path switch
            {
                "/metrics" => (true, (MetricPart?[])[MetricPart.Health, MetricPart.Resource, MetricPart.Ceph, MetricPart.ZooKeeper]),
                "/metrics/health" => (false, [MetricPart.Health]),
                "/metrics/resource" => (false, [MetricPart.Resource]),
                "/metrics/ceph" => (false, [MetricPart.Ceph]),
                "/metrics/zookeeper" => (false, [MetricPart.ZooKeeper]),
                "/metrics/process" => (true, []),
                _ => (false, (MetricPart?[]?)null),
            };
            if (cluster is null || context.Request.HttpMethod is not ("GET" or "HEAD"))
            {
                response.StatusCode = cluster is null ? 404 : 405;
                response.Close();
                return;
            }
            using var body = new MemoryStream();
            if (process)
                await _process.CollectAndExportAsTextAsync(body, cancellationToken).ConfigureAwait(false);
            if (cluster.Length > 0 && await PrimarySnapshotAsync(cancellationToken).ConfigureAwait(false) is { } snapshot)
            {
                // Ceph's answer is awaited after the cluster part is written (both bounded: the manager by its timeout)
                var cephPart = cluster.Contains(MetricPart.Ceph) ? _ceph.ReadAsync(CephMgrMetrics.DefaultTimeout, cancellationToken) : null;
                await MetricsExposition.WriteAsync(body, ClusterMetrics.Build(snapshot).Where(f => cluster.Contains(f.Part)), cancellationToken).ConfigureAwait(false);
                if (cephPart is not null)
                {
                    var text = Encoding.UTF8.GetBytes(await cephPart.ConfigureAwait(false));
                    await body.WriteAsync(text, cancellationToken).ConfigureAwait(false);
                }
                // the ensemble's own metrics, from the primary alone as PVC serves them (each node would repeat them)
                if (cluster.Contains(MetricPart.ZooKeeper) && _zooKeeperServers is { } servers)
                    await MetricsExposition.WriteAsync(body, await ZooKeeperMntr.ReadAsync(servers, MntrTimeout, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }
            response.StatusCode = 200;
            response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            response.ContentLength64 = body.Length;
            if (context.Request.HttpMethod == "GET")
            {
                body.Position = 0;
                await body.CopyToAsync(response.OutputStream, cancellationToken).ConfigureAwait(false);
            }
            response.Close();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("A metrics scrape failed: {Message}", e.Message);
            try
            {
                response.StatusCode = 500;
                var text = Encoding.UTF8.GetBytes("the scrape failed; see the node log\n");
                response.OutputStream.Write(text);
                response.Close();
            }
            catch (Exception again) when (again is HttpListenerException or InvalidOperationException or ObjectDisposedException)
            {
                response.Abort();
            }
        }
        catch (OperationCanceledException)
        {
            response.Abort();
        }
    }

    /// <summary>The cluster as the primary last read it (<see cref="ClusterMetricsCache"/>), or null on any other node or without ZooKeeper.</summary>
    private async Task<ClusterMetricsSnapshot?> PrimarySnapshotAsync(CancellationToken cancellationToken)
    {
        if (daemon.Cluster is not { IsConnected: true } cluster)
            return null;
        return await _snapshots.GetAsync(cluster, config.NodeName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the Ceph manager's HTTP client.</summary>
    public override void Dispose()
    {
        _ceph.Dispose();
        _scrapes.Dispose();
        base.Dispose();
    }
}
