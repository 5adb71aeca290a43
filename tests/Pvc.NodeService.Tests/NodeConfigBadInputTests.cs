using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Tests;

/// <summary>pvc.conf values that would hurt the cluster if the node service took them (rows of docs/bad-input.md).</summary>
public sealed class NodeConfigBadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pvc-conf-").FullName;

    private string Write(string yaml)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Theory]
    [InlineData("hv1/x")]
    [InlineData("..")]
    [InlineData("hv1 x")]
    [InlineData("-hv1")]
    public void A_node_name_that_cannot_name_a_node_is_refused(string name)
    {
        // the name is a znode under /nodes, a lock owner and a host in migration URIs: "hv1/x" would register as
        // /nodes/hv1/x, inside another node's keys
        var e = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write($"cluster:\n  name: c\n  coordinator_nodes: [hv1]\nnode:\n  name: \"{name}\"\n")));
        Assert.Contains("node.name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_coordinator_name_that_cannot_name_a_node_is_refused()
    {
        var e = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write("cluster:\n  name: c\n  coordinator_nodes: [hv1, \"hv2/x\"]\nnode:\n  name: hv1\n")));
        Assert.Contains("cluster.coordinator_nodes", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 6)]
    public void A_death_threshold_a_healthy_node_can_reach_is_refused(int fenceIntervals, int savingThrows)
    {
        // keepalives are written once an interval and read twice an interval, so a healthy node can look silent for
        // up to one and a half intervals: a threshold of one interval marks healthy nodes dead (and, without saving
        // throws, fences them)
        var e = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write(
            $"cluster:\n  name: c\n  coordinator_nodes: [hv1]\nfencing:\n  intervals:\n    fence_intervals: {fenceIntervals}\n    saving_throws: {savingThrows}\n")));
        Assert.Contains("fencing.intervals.fence_intervals", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugin_directory_that_is_no_absolute_path_is_refused()
    {
        // the health monitor runs every executable there as root: a relative one would depend on the working directory
        var e = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nnode:\n  name: hv1\npath:\n  plugin_directory: plugins\n")));
        Assert.Contains("path.plugin_directory", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("70000")]
    public void A_postgres_port_out_of_range_is_refused(string port)
    {
        var e = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write($"cluster:\n  name: c\n  coordinator_nodes: [hv1]\nnode:\n  name: hv1\ndatabase:\n  postgres:\n    hostname: db1\n    port: {port}\n")));
        Assert.Contains("database.postgres.port", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_health_keys_are_read()
    {
        var config = NodeConfigLoader.Load(Write("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nnode:\n  name: hv1\npath:\n  plugin_directory: /etc/pvc/plugins\nhealth:\n  disabled_plugins: [dpkg, load]\ndatabase:\n  postgres:\n    hostname: db1\n"));
        Assert.Equal("/etc/pvc/plugins", config.PluginDirectory);
        Assert.Equal(["dpkg", "load"], config.DisabledHealthPlugins);
        Assert.Equal(new PostgresSettings("db1", 5432), config.Postgres);
        var defaults = NodeConfigLoader.Load(Write("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nnode:\n  name: hv1\n"));
        Assert.Equal(("/usr/share/pvc/plugins", 0, null), (defaults.PluginDirectory, defaults.DisabledHealthPlugins.Count, defaults.Postgres));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
