using System.Text;
using Pvc.Core.Metrics;
using Pvc.Core.Schema;
using Pvc.NodeService.Metrics;

namespace Pvc.NodeService.Tests.Metrics;

/// <summary>PVC's metric names, labels and numeric VM state map, as the endpoint writes them.</summary>
public sealed class ClusterMetricsTests
{
    [Theory]
    [InlineData(VmState.Start, 0)]
    [InlineData(VmState.Migrate, 1)]
    [InlineData(VmState.MigrateLive, 1)]
    [InlineData(VmState.Unmigrate, 2)]
    [InlineData(VmState.Provision, 3)]
    [InlineData(VmState.Disable, 4)]
    [InlineData(VmState.Shutdown, 5)]
    [InlineData(VmState.Restart, 6)]
    [InlineData(VmState.Stop, 7)]
    [InlineData(VmState.Fail, 8)]
    [InlineData(VmState.Import, 9)]
    [InlineData(VmState.Restore, 10)]
    [InlineData(VmState.Mirror, 99)]
    [InlineData(VmState.Delete, -1)]
    [InlineData(VmState.Unknown, -1)]
    public void The_VM_state_number_is_PVCs(VmState state, int number) => Assert.Equal(number, VmStateMetric.Of(state));

    [Fact]
    public async Task The_text_carries_PVCs_names_labels_and_values()
    {
        using var stream = new MemoryStream();
        var families = ClusterMetrics.Build(MetricsSample.Snapshot(vms: 3));
        await MetricsExposition.WriteAsync(stream, families, CancellationToken.None);
        var lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n');

        Assert.Contains("pvc_cluster_health 75", lines);
        Assert.Contains("pvc_node_health{node=\"hv2\"} 87", lines);
        Assert.Contains("pvc_vm_state{vm=\"vm0000\",state=\"start\"} 0", lines);
        Assert.Contains("pvc_vm_state{vm=\"vm0002\",state=\"stop\"} 7", lines);
        Assert.Contains("pvc_vm_states{state=\"start\"} 2", lines);
        Assert.Contains("pvc_cluster_faults{status=\"new\"} 1", lines);
        Assert.Contains("pvc_info{primary_node=\"hv1\",version=\"1.0.3\",upstream_ip=\"10.0.0.250/24\"} 1", lines);
        // n-1: two nodes using 8 GiB each, of the smaller node's 32 GiB (the largest left out): 50 %
        Assert.Contains("pvc_cluster_memory_real_utilization 50", lines);
        Assert.Contains("pvc_vm_vcpus_cpu_time{vm=\"vm0000\"} 12000", lines);
        Assert.Contains("pvc_vm_disk_wr_bytes{vm=\"vm0001\",disk=\"vda\"} 8192", lines);
        Assert.Contains("# TYPE pvc_vm_state gauge", lines);
        // one VM state sample per VM
        Assert.Equal(3, lines.Count(l => l.StartsWith("pvc_vm_state{", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_one_node_cluster_has_no_n_minus_1_figures()
    {
        var sample = MetricsSample.Snapshot();
        var families = ClusterMetrics.Build(sample with { Nodes = [sample.Nodes[0]] });
        Assert.Empty(families.Single(f => f.Name == "pvc_cluster_memory_real_utilization").Samples);
        using var stream = new MemoryStream();
        await MetricsExposition.WriteAsync(stream, families, CancellationToken.None);
        Assert.DoesNotContain("pvc_cluster_memory_real_utilization", Encoding.UTF8.GetString(stream.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Label_values_are_escaped_as_the_text_format_asks()
    {
        var sample = MetricsSample.Snapshot(vms: 1);
        var vm = sample.Vms[0] with { Description = "say \"hi\"\nC:\\ bye" };
        using var stream = new MemoryStream();
        await MetricsExposition.WriteAsync(stream, ClusterMetrics.Build(sample with { Vms = [vm] }), CancellationToken.None);
        var lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n');
        Assert.Contains("pvc_vm_description{vm=\"vm0000\",description=\"say \\\"hi\\\"\\nC:\\\\ bye\"} 1", lines);
    }
}
