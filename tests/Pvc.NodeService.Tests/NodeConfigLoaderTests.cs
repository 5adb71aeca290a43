using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Tests;

public sealed class NodeConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pvc-conf-").FullName;

    private string Write(string yaml)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void Reads_PVCs_layout_with_PVCs_defaults()
    {
        var config = NodeConfigLoader.Load(Write("""
            cluster:
              name: cluster1
              coordinator_nodes: [hv1, hv2, hv3]
            node:
              name: hv2
            """));
        Assert.Equal(("cluster1", "hv2", true), (config.ClusterName, config.NodeName, config.IsCoordinator));
        Assert.Equal("hv1:2181,hv2:2181,hv3:2181", config.ZooKeeper);
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(180), "mem", 1), (config.KeepaliveInterval, config.VmShutdownTimeout, config.MigrationTargetSelector, config.FlushConcurrency));
        Assert.Equal("qemu:///system", config.LibvirtUri);
        Assert.Equal(TimeSpan.FromSeconds(30), config.MigrationPeerTimeout);
    }

    [Fact]
    public void The_IPMI_password_never_shows_in_the_configuration_text()
    {
        var config = NodeConfigLoader.Load(Write("""
            cluster:
              name: c
              coordinator_nodes: [hv1]
            fencing:
              ipmi:
                hostname: hv1-lom
                username: admin
                password: "s3cret-ipmi"
            """));
        Assert.Equal("s3cret-ipmi", config.IpmiPassword);
        Assert.DoesNotContain("s3cret-ipmi", config.ToString(), StringComparison.Ordinal);
        Assert.Contains("hv1-lom", config.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Fencing_takes_PVCs_defaults_and_both_spellings_of_suicide_intervals()
    {
        var defaults = NodeConfigLoader.Load(Write("cluster:\n  name: c\n  coordinator_nodes: [hv1]\n")).Fencing;
        Assert.Equal((6, 6, 0, FenceAction.Migrate, FenceAction.None, 3),
            (defaults.FenceIntervals, defaults.SavingThrows, defaults.SuicideIntervals, defaults.SuccessfulFence, defaults.FailedFence, defaults.IpmiCipherSuite));
        Assert.Null(NodeConfigLoader.Load(Write("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nfencing:\n  ipmi:\n    cipher_suite: auto\n")).Fencing.IpmiCipherSuite);
        Assert.Equal(17, NodeConfigLoader.Load(Write("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nfencing:\n  ipmi:\n    cipher_suite: 17\n")).Fencing.IpmiCipherSuite);
        // PVC's parser reads "suicide_interval" (so its documented key never takes effect); both are read here
        foreach (var key in new[] { "suicide_intervals", "suicide_interval" })
        {
            var fencing = NodeConfigLoader.Load(Write($"cluster:\n  name: c\n  coordinator_nodes: [hv1]\nfencing:\n  intervals:\n    fence_intervals: 3\n    saving_throws: 2\n    {key}: 4\n  actions:\n    successful_fence: none\n    failed_fence: migrate\n")).Fencing;
            Assert.Equal((3, 2, 4, FenceAction.None, FenceAction.Migrate),
                (fencing.FenceIntervals, fencing.SavingThrows, fencing.SuicideIntervals, fencing.SuccessfulFence, fencing.FailedFence));
        }
    }

    [Theory]
    [InlineData("cluster:\n  coordinator_nodes: [hv1]\n", "cluster.name")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\ntimer:\n  keepalive_interval: soon\n", "timer.keepalive_interval")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nmigration:\n  target_selector: random\n", "migration.target_selector")]
    [InlineData("cluster:\n  name: c\n", "cluster.coordinator_nodes")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nnode:\n  flush_on_stop: maybe\n", "node.flush_on_stop")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nnode:\n  migration_peer_timeout: 0\n", "node.migration_peer_timeout")]
    [InlineData("cluster: [unclosed\n", "not valid YAML")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nfencing:\n  actions:\n    failed_fence: reboot\n", "fencing.actions.failed_fence")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nfencing:\n  intervals:\n    fence_intervals: 0\n", "fencing.intervals.fence_intervals")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nfencing:\n  ipmi:\n    cipher_suite: 18\n", "fencing.ipmi.cipher_suite")]
    public void A_bad_file_is_refused_naming_the_key(string yaml, string named)
    {
        var e = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write(yaml)));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_refused_naming_it()
    {
        var e = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Path.Combine(_dir, "none.conf")));
        Assert.Contains("none.conf", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
