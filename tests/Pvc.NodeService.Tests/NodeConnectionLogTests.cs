using Microsoft.Extensions.Logging;
using Pvc.Core.Connection;
using Pvc.NodeService.Configuration;
using Pvc.Testing.Network;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests;

/// <summary>The ZooKeeper client's own log reaches the node service's journal through Core (no ZooKeeper types in the service).</summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class NodeConnectionLogTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task A_lost_connection_is_logged_as_a_warning_by_the_node_service_with_its_password_left_out()
    {
        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        var config = new NodeConfig { ClusterName = "c", NodeName = "hv1", ZooKeeper = proxy.Endpoint, ZooKeeperUser = "node", ZooKeeperPassword = "n0de-secret" };
        var log = new LineLogger();
        await using var cluster = await ClusterConnection.ConnectAsync(NodeConnection.Options(config, log) with { SessionTimeout = TimeSpan.FromSeconds(30) });

        proxy.Cut();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!log.Lines.Any(l => l.Level == LogLevel.Warning && l.Text.StartsWith("ZooKeeper: Lost the connection", StringComparison.Ordinal)))
            await Task.Delay(50, deadline.Token);
        proxy.Restore();

        Assert.DoesNotContain(log.Lines, l => l.Text.Contains("n0de-secret", StringComparison.Ordinal));
    }
}
