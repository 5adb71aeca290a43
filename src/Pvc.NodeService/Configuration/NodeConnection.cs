using Microsoft.Extensions.Logging;
using Pvc.Core.Cluster;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Configuration;

/// <summary>How the node service reaches its cluster's ZooKeeper: the settings of pvc.conf, and the client's log in the service's.</summary>
internal static class NodeConnection
{
    /// <summary>The connection options for this node.</summary>
    public static ClusterConnectionOptions Options(NodeConfig config, ILogger log) => new()
    {
        Servers = [config.ZooKeeper],
        // twice the keepalive interval: a node that misses two keepalives has lost its session, as PVC's
        SessionTimeout = TimeSpan.FromSeconds(Math.Max(4, config.KeepaliveInterval.TotalSeconds * 2)),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        Log = entry => log.Log(Level(entry.Level), entry.Exception, "ZooKeeper: {Message}", entry.Message),
    };

    private static LogLevel Level(ZooKeeperLogLevel level) => level switch
    {
        ZooKeeperLogLevel.Debug => LogLevel.Debug,
        ZooKeeperLogLevel.Information => LogLevel.Information,
        ZooKeeperLogLevel.Warning => LogLevel.Warning,
        _ => LogLevel.Error,
    };
}
