using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pvc.Testing.ZooKeeper;

/// <summary>
/// A throw-away public key infrastructure for a TLS-enabled test ZooKeeper, made at test time with .NET's
/// CertificateRequest: a certificate authority, a server certificate it signs for 127.0.0.1 and localhost, and a
/// client certificate it signs (ZooKeeper asks for one unless <c>ssl.clientAuth</c> says otherwise).
/// </summary>
public sealed class TestPki : IDisposable
{
    private TestPki(string name, X509Certificate2 authority, X509Certificate2 server, X509Certificate2 client)
    {
        Name = name;
        Authority = authority;
        Server = server;
        Client = client;
    }

    /// <summary>The authority's common name.</summary>
    public string Name { get; }

    /// <summary>The certificate authority (with its key, to sign more).</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The server's certificate and key: subject alternative names 127.0.0.1 and localhost.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>A client certificate and key (CN=pvc-client).</summary>
    public X509Certificate2 Client { get; }

    /// <summary>The authority alone, as a client trusts it.</summary>
    public X509Certificate2Collection Trust => [X509CertificateLoader.LoadCertificate(Authority.RawData)];

    /// <summary>Makes a new authority and its two certificates.</summary>
    public static TestPki Create(string name = "Pvc test CA")
    {
        using var authorityKey = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", authorityKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var authority = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(2));

        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        // ZooKeeper's one key store also serves quorum TLS, where a server is a client too
        var server = Issue(authority, "CN=localhost", names.Build(), ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
        var client = Issue(authority, "CN=pvc-client", null, ["1.3.6.1.5.5.7.3.2"]);
        return new TestPki(name, authority, server, client);
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string subject, X509Extension? alternativeNames, string[] usages)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        var oids = new OidCollection();
        foreach (var usage in usages)
            oids.Add(new Oid(usage));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        if (alternativeNames is not null)
            request.CertificateExtensions.Add(alternativeNames);
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(authority, now.AddMinutes(-50), now.AddDays(1), RandomNumberGenerator.GetBytes(12));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the server's PKCS12 key store and the authority as a PEM trust store into <paramref name="directory"/> (0600).</summary>
    /// <returns>The key store's path, its password, and the trust store's path.</returns>
    public (string KeyStore, string Password, string TrustStore) WriteServerStores(string directory)
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var keyStore = Path.Combine(directory, "server.p12");
        var trustStore = Path.Combine(directory, "ca.pem");
        WritePrivate(keyStore, Server.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password));
        WritePrivate(trustStore, System.Text.Encoding.ASCII.GetBytes(Authority.ExportCertificatePem()));
        return (keyStore, password, trustStore);
    }

    /// <summary>Writes the authority (PEM), the client certificate (PEM) and its key (PKCS#8 PEM) for clients that read files.</summary>
    public (string Authority, string Certificate, string Key) WriteClientFiles(string directory)
    {
        var authority = Path.Combine(directory, "client-ca.pem");
        var certificate = Path.Combine(directory, "client.pem");
        var key = Path.Combine(directory, "client.key");
        WritePrivate(authority, System.Text.Encoding.ASCII.GetBytes(Authority.ExportCertificatePem()));
        WritePrivate(certificate, System.Text.Encoding.ASCII.GetBytes(Client.ExportCertificatePem()));
        WritePrivate(key, System.Text.Encoding.ASCII.GetBytes(Client.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem()));
        return (authority, certificate, key);
    }

    private static void WritePrivate(string path, byte[] content)
    {
        File.WriteAllBytes(path, []);
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllBytes(path, content);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        Client.Dispose();
    }
}
