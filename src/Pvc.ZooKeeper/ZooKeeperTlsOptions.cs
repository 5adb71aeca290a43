using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pvc.ZooKeeper;

/// <summary>
/// TLS to ZooKeeper's secure client port (<c>secureClientPort</c>, served by its Netty connection factory). The servers'
/// certificates must chain to one of <see cref="CertificateAuthorities"/> (the system's trust store is not used: a
/// public authority could otherwise vouch for anyone) and name the server as the connection string does.
/// </summary>
public sealed record ZooKeeperTlsOptions
{
    /// <summary>The certificate authorities that sign the servers' certificates: the only trust anchors.</summary>
    public required X509Certificate2Collection CertificateAuthorities { get; init; }

    /// <summary>
    /// The client's certificate, with its private key, for servers that ask for one: ZooKeeper's <c>ssl.clientAuth</c>
    /// is <c>need</c> unless configured otherwise. Null: none is offered.
    /// </summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The name every server's certificate must carry; null (the default): each server's host name or address as the connection string gives it.</summary>
    public string? ServerName { get; init; }

    /// <summary>Reads the authorities, and optionally the client certificate and its key, from PEM files.</summary>
    /// <param name="certificateAuthorityFile">One or more CA certificates, PEM.</param>
    /// <param name="clientCertificateFile">The client certificate (PEM), or null for none.</param>
    /// <param name="clientKeyFile">Its private key (PEM, unencrypted); null when the certificate file holds it.</param>
    /// <param name="serverName">See <see cref="ServerName"/>.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="CryptographicException">A file is not what it should be; the message names it.</exception>
    public static ZooKeeperTlsOptions FromPemFiles(string certificateAuthorityFile, string? clientCertificateFile = null, string? clientKeyFile = null, string? serverName = null)
    {
        ArgumentNullException.ThrowIfNull(certificateAuthorityFile);
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(certificateAuthorityFile);
        }
        catch (CryptographicException e)
        {
            throw new CryptographicException($"{certificateAuthorityFile} holds no PEM certificate: {e.Message}", e);
        }
        if (authorities.Count == 0)
            throw new CryptographicException($"{certificateAuthorityFile} holds no PEM certificate.");
        X509Certificate2? client = null;
        if (clientCertificateFile is not null)
        {
            try
            {
                client = X509Certificate2.CreateFromPemFile(clientCertificateFile, clientKeyFile);
            }
            catch (CryptographicException e)
            {
                throw new CryptographicException($"{clientCertificateFile} (key {clientKeyFile ?? "in the same file"}) is not a PEM certificate with its private key: {e.Message}", e);
            }
        }
        return new ZooKeeperTlsOptions { CertificateAuthorities = authorities, ClientCertificate = client, ServerName = serverName };
    }
}
