using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Health;
using Pvc.Core.Nodes;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>What a node's health monitor writes, as Get-PvcNode and Get-PvcCluster show it.</summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class NodeHealthCmdletTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task Get_PvcNode_shows_the_plugins_results_and_Get_PvcCluster_health_falls_with_a_plugins_fault()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        await using var connection = await ClusterConnection.ConnectAsync(new() { Servers = [c.Chroot] });
        var health = new NodeHealthHostOperations(connection, "hv2");
        await health.LoadPluginsAsync(["load", "ipmi"]);
        var before = c.Ps.Run("(Get-PvcCluster).Health").ThrowIfErrors().Output.Single().BaseObject;

        await health.WriteResultsAsync([
            new NodeHealthPlugin { Name = "load", HealthDelta = 0, Message = "Current load is 0.50 with 8 CPUs", LastRun = DateTimeOffset.UtcNow },
            new NodeHealthPlugin { Name = "ipmi", HealthDelta = 10, Message = "The BMC did not answer in 3 tries", LastRun = DateTimeOffset.UtcNow },
        ]);

        var node = c.Ps.Run("Get-PvcNode hv2").ThrowIfErrors().OutputOf<Node>().Single();
        Assert.Equal(90, node.Health);
        Assert.Equal(["load", "ipmi"], node.HealthPlugins.Select(p => p.Name));
        var text = c.Ps.Render("(Get-PvcNode hv2).HealthPlugins").ThrowIfErrors().HostText;
        Assert.Contains(text.Split('\n'), l => l.StartsWith("ipmi ", StringComparison.Ordinal) && l.Contains("-10%", StringComparison.Ordinal) && l.Contains("The BMC did not answer", StringComparison.Ordinal));
        Assert.Contains(c.Ps.Render("Get-PvcNode hv2").ThrowIfErrors().HostText.Split('\n'), l => l.StartsWith("hv2 ", StringComparison.Ordinal) && l.Contains("90%", StringComparison.Ordinal));
        // PVC's fault at half the plugin's delta
        Assert.Equal(5, c.Ps.Run("(Get-PvcFault NODE_PLUGIN_IPMI_HV2).HealthDelta").ThrowIfErrors().Output.Single().BaseObject);
        Assert.Equal((int)before - 5, c.Ps.Run("(Get-PvcCluster).Health").ThrowIfErrors().Output.Single().BaseObject);
    }
}
