using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Security;

namespace Pvc.NodeService.Configuration;

/// <summary>How the node service reaches its cluster's ZooKeeper: the settings of pvc.conf, and the client's log in the service's.</summary>
internal static class NodeConnection
{
    /// <summary>
    /// The node's ZooKeeper session timeout: twice the keepalive interval (a node that misses two keepalives has lost its
    /// session, as PVC's), at least 4 s.
    /// </summary>
    public static TimeSpan SessionTimeout(NodeConfig config) => TimeSpan.FromSeconds(Math.Max(4, config.KeepaliveInterval.TotalSeconds * 2));

    /// <summary>The connection options for this node.</summary>
    public static ClusterConnectionOptions Options(NodeConfig config, ILogger log) => new()
    {
        Servers = [config.ZooKeeper],
        SessionTimeout = SessionTimeout(config),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        User = config.ZooKeeperUser,
        Password = config.ZooKeeperPassword,
        CertificateAuthorityFile = config.ZooKeeperTls?.CaFile,
        ClientCertificate = config.ZooKeeperTls is { } tls ? ClientCertificate(tls) : null,
        TlsServerName = config.ZooKeeperTls?.ServerName,
        OnLog = entry => log.Log(Level(entry.Level), entry.Exception, "ZooKeeper: {Message}", entry.Message),
    };

    /// <summary>Reads the TLS files (the loader calls it, so that a bad file stops the service at once).</summary>
    /// <exception cref="CryptographicException">The client certificate or its key cannot be read.</exception>
    /// <exception cref="Core.Errors.PvcException">The certificate authority file cannot be read as PEM certificates.</exception>
    public static void CheckTls(ZooKeeperTlsSettings tls)
    {
        using var certificate = ClientCertificate(tls);
        new ClusterConnectionOptions { Servers = [], CertificateAuthorityFile = tls.CaFile }.ValidateTls();
    }

    private static X509Certificate2? ClientCertificate(ZooKeeperTlsSettings tls)
    {
        if (tls.CertificateFile is null)
            return null;
        try
        {
            return X509Certificate2.CreateFromPemFile(tls.CertificateFile, tls.KeyFile);
        }
        catch (CryptographicException e)
        {
            throw new CryptographicException($"{tls.CertificateFile} (key {tls.KeyFile ?? "in the same file"}) is not a PEM certificate with its private key: {e.Message}", e);
        }
    }

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

    private static LogLevel Level(ClusterLogLevel level) => level switch
    {
        ClusterLogLevel.Debug => LogLevel.Debug,
        ClusterLogLevel.Information => LogLevel.Information,
        ClusterLogLevel.Warning => LogLevel.Warning,
        _ => LogLevel.Error,
    };
}
