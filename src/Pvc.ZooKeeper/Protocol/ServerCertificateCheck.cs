using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pvc.ZooKeeper.Protocol;

/// <summary>
/// The TLS hand-shake with a ZooKeeper server: its certificate must chain to one of the configured authorities alone
/// (custom root trust), be meant for servers (extended key usage serverAuth, when it names usages) and carry the server's
/// name or address. A failure says which of these it was.
/// </summary>
internal static class ServerCertificateCheck
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    public static async Task<SslStream> AuthenticateAsync(Stream inner, DnsEndPointText server, ZooKeeperTlsOptions tls, CancellationToken cancellationToken)
    {
        string? refusal = null;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = tls.ServerName ?? server.Host,
            ClientCertificates = tls.ClientCertificate is null ? null : [tls.ClientCertificate],
            // no revocation lists in a cluster's private PKI; the authorities are the cluster's own
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                refusal = Refusal(certificate, chain, errors, tls, server);
                return refusal is null;
            },
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken);
        }
        catch (AuthenticationException e)
        {
            await ssl.DisposeAsync();
            throw new AuthenticationException(refusal is null
                ? $"The TLS hand-shake with ZooKeeper server {server} failed: {e.Message}"
                : $"ZooKeeper server {server} is not trusted: {refusal}", e);
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
        return ssl;
    }

    /// <summary>Why the certificate is refused, or null when it is accepted.</summary>
    private static string? Refusal(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, ZooKeeperTlsOptions tls, DnsEndPointText server)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return "it presented no certificate.";
        var name = tls.ServerName ?? server.Host;
        // the platform's name check (DNS names and IP addresses of the subject alternative names) stands;
        // only its chain verdict is replaced, since it trusts the system's store instead of the cluster's authorities
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return $"its certificate ({certificate.Subject}) is not issued for '{name}'.";
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(tls.CertificateAuthorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        // intermediates the server sent along
        if (presented is not null)
            foreach (var element in presented.ChainElements.Skip(1))
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        if (chain.Build(leaf))
            return null;
        var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        return $"its certificate ({certificate.Subject}, issued by {certificate.Issuer}) does not chain to the configured certificate authorities ({status}).";
    }
}
