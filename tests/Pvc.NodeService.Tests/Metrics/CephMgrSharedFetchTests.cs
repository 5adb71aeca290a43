using System.Net;
using System.Text;
using Pvc.NodeService.Tests.Cluster;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Metrics;

/// <summary>
/// Parallel scrapes of /metrics/ceph share one fetch of the Ceph manager's page (metrics.ceph_url names a local HTTP
/// page standing for the manager's prometheus module, which counts its hits), and scrapes over the endpoint's cap are
/// refused with 503 rather than each buffering their own copy of the manager's answer.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CephMgrSharedFetchTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task Parallel_scrapes_fetch_the_managers_page_once_and_the_excess_is_refused()
    {
        var mgrPort = ZooKeeperServer.FreePort();
        using var mgr = new HttpListener();
        mgr.Prefixes.Add($"http://127.0.0.1:{mgrPort}/");
        mgr.Start();
        var hits = 0;
        using var stopMgr = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            while (!stopMgr.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await mgr.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                Interlocked.Increment(ref hits);
                _ = Task.Run(async () =>
                {
                    // a manager that takes its time, so the scrapes overlap
                    await Task.Delay(TimeSpan.FromSeconds(2));
                    var body = "# TYPE ceph_health_status untyped\nceph_health_status 0\n"u8.ToArray();
                    context.Response.ContentLength64 = body.Length;
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                });
            }
        });

        var port = ZooKeeperServer.FreePort();
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 1, extraNodeConfig: $"""
            subsystem:
              enable_prometheus: true
            metrics:
              listen_port: {port}
              ceph_url: "http://127.0.0.1:{mgrPort}/metrics"
            """);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        // the node is the primary once its health part is served (that part does not ask the manager)
        using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!(await http.GetStringAsync($"http://127.0.0.1:{port}/metrics/health", ready.Token)).Contains("pvc_", StringComparison.Ordinal))
            await Task.Delay(200, ready.Token);
        Assert.Equal(0, Volatile.Read(ref hits));

        const int scrapes = 20;
        var answers = await Task.WhenAll(Enumerable.Range(0, scrapes).Select(async _ =>
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/metrics/ceph");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.Equal(1, Volatile.Read(ref hits));
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{a.StatusCode}"));
        Assert.All(answers.Where(a => a.StatusCode == HttpStatusCode.OK), a => Assert.Contains("\nceph_health_status 0\n", "\n" + a.Body, StringComparison.Ordinal));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.ServiceUnavailable);

        await stopMgr.CancelAsync();
        mgr.Stop();
        await serving;
    }
}
