using Microsoft.Extensions.Logging;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Security;
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
        User = config.ZooKeeperUser,
        Password = config.ZooKeeperPassword,
        Tls = config.ZooKeeperTls is { } tls ? Tls(tls) : null,
        Log = entry => log.Log(Level(entry.Level), entry.Exception, "ZooKeeper: {Message}", entry.Message),
    };

    /// <summary>Reads the TLS files (the loader calls it too, so that a bad file stops the service at once).</summary>
    public static ZooKeeperTlsOptions Tls(ZooKeeperTlsSettings tls) =>
        ZooKeeperTlsOptions.FromPemFiles(tls.CaFile, tls.CertificateFile, tls.KeyFile, tls.ServerName);

    /// <summary>
    /// Says so, once a connection, when the cluster is open (PVC-compatible): then this node's BMC password, which PVC's
    /// fencer reads from ZooKeeper, is readable by anyone who reaches ZooKeeper. The password itself is never logged.
    /// </summary>
    public static void WarnIfOpen(ClusterConnection cluster, NodeConfig config, ILogger log)
    {
        if (cluster.AccessMode != ClusterAccessMode.Open)
            return;
        if (config.IpmiPassword is not null)
            log.LogWarning("The cluster's ZooKeeper is open (PVC-compatible mode): anyone who reaches {Servers} can read this node's IPMI password " +
                "at /nodes/{Node}/ipmipassword and change any VM. Initialise the cluster closed unless PVC's own tools must share it (README, Security)",
                config.ZooKeeper, config.NodeName);
        else
            log.LogWarning("The cluster's ZooKeeper is open (PVC-compatible mode): anyone who reaches {Servers} can change any VM or node (README, Security)",
                config.ZooKeeper);
    }

    private static LogLevel Level(ZooKeeperLogLevel level) => level switch
    {
        ZooKeeperLogLevel.Debug => LogLevel.Debug,
        ZooKeeperLogLevel.Information => LogLevel.Information,
        ZooKeeperLogLevel.Warning => LogLevel.Warning,
        _ => LogLevel.Error,
    };
}
