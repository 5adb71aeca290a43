using Pvc.NodeService.Metrics;

namespace Pvc.NodeService.Tests.Metrics;

/// <summary>What of the Ceph manager's answer reaches /metrics, and which addresses are fetched at all.</summary>
public sealed class CephMgrMetricsTests
{
    [Fact]
    public void Well_formed_ceph_lines_pass_and_everything_else_is_left_out()
    {
        var answer = string.Join('\n',
            "# HELP ceph_health_status Cluster health status",
            "# TYPE ceph_health_status untyped",
            "ceph_health_status 0.0",
            "# HELP ceph_osd_up OSD status up",
            "# TYPE ceph_osd_up untyped",
            "ceph_osd_up{ceph_daemon=\"osd.0\"} 1.0",
            "ceph_osd_op_r_latency_bucket{ceph_daemon=\"osd.0\",le=\"+Inf\"} 3 1700000000000",
            "ceph_pool_metadata{pool_id=\"1\",name=\"a \\\"quoted\\\" \\\\ pool\\n\"} 1e3",
            "ceph_nan NaN",
            "",
            "# TYPE ceph_health_status gauge", // a second TYPE for a name breaks Prometheus's parse
            "# some comment",
            "pvc_cluster_health 100", // another's name: would clash with PVC's own family
            "process_cpu_seconds_total 1",
            "ceph_bad{label=\"unterminated} 1",
            "ceph_bad{label=\"x\"} one",
            "ceph_bad{label=\"bad \\q escape\"} 1",
            "ceph_bad 1 2 3",
            "ceph_bad{9label=\"x\"} 1",
            "# TYPE ceph_bad weird",
            "# HELP ceph_bad bad \\t escape",
            "ceph_windows 1\r");
        var kept = CephMgrMetrics.Filter(answer).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            "# HELP ceph_health_status Cluster health status",
            "# TYPE ceph_health_status untyped",
            "ceph_health_status 0.0",
            "# HELP ceph_osd_up OSD status up",
            "# TYPE ceph_osd_up untyped",
            "ceph_osd_up{ceph_daemon=\"osd.0\"} 1.0",
            "ceph_osd_op_r_latency_bucket{ceph_daemon=\"osd.0\",le=\"+Inf\"} 3 1700000000000",
            "ceph_pool_metadata{pool_id=\"1\",name=\"a \\\"quoted\\\" \\\\ pool\\n\"} 1e3",
            "ceph_nan NaN",
            "ceph_windows 1",
        ], kept);
    }

    [Theory]
    [InlineData("http://hv1.example.com:9283/", "http://hv1.example.com:9283/metrics")]
    [InlineData("http://10.0.0.1:9283/", "http://10.0.0.1:9283/metrics")]
    [InlineData("https://[fd00::1]:9283/", "https://[fd00::1]:9283/metrics")]
    [InlineData("http://10.0.0.1:9283", "http://10.0.0.1:9283/metrics")]
    [InlineData("http://10.0.0.1:9283/prefix", "http://10.0.0.1:9283/prefix/metrics")]
    public void The_advertised_address_gives_its_metrics_page(string advertised, string expected) =>
        Assert.Equal(new Uri(expected), CephMgrMetrics.MetricsUri(advertised));

    [Theory]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("/metrics")]
    [InlineData("file:///etc/ceph/ceph.client.admin.keyring")]
    [InlineData("ftp://10.0.0.1/")]
    [InlineData("http://user:secret@10.0.0.1:9283/")]
    [InlineData("http://10.0.0.1:9283/?x=1")]
    [InlineData("http://10.0.0.1:9283/#x")]
    public void An_address_that_is_not_an_http_page_of_a_host_is_not_fetched(string advertised) =>
        Assert.Null(CephMgrMetrics.MetricsUri(advertised));
}
