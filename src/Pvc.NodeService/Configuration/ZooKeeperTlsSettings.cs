namespace Pvc.NodeService.Configuration;

/// <summary>
/// <c>database.zookeeper.tls</c> (Pvc's own; PVC 1.0.3 has no TLS to ZooKeeper): connect to the servers' secure client
/// port, trusting only the cluster's certificate authority, with this node's client certificate.
/// </summary>
public sealed record ZooKeeperTlsSettings
{
    /// <summary><c>ca_file</c>: the PEM certificate(s) of the authority that signs the servers' certificates.</summary>
    public required string CaFile { get; init; }

    /// <summary><c>certificate_file</c>: this node's client certificate (PEM), for servers that ask for one (ZooKeeper's default).</summary>
    public string? CertificateFile { get; init; }

    /// <summary><c>key_file</c>: the client certificate's private key (PEM, unencrypted; mode 0600).</summary>
    public string? KeyFile { get; init; }

    /// <summary><c>server_name</c>: the name the servers' certificates carry, when it is not the host name of the connection string.</summary>
    public string? ServerName { get; init; }
}
