using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pvc.Core.Errors;
using Pvc.ZooKeeper;

namespace Pvc.Core.Connection;

/// <summary>How to reach a cluster's ZooKeeper ensemble.</summary>
public sealed record ClusterConnectionOptions
{
    /// <summary>The ZooKeeper servers, <c>host[:port]</c> each (port 2181 when omitted), optionally with a chroot on the last.</summary>
    public required IReadOnlyList<string> Servers { get; init; }

    /// <summary>Digest user, when the cluster's znodes have digest ACLs.</summary>
    public string? User { get; init; }

    /// <summary>Digest password. Never logged nor shown.</summary>
    public string? Password { get; init; }

    /// <summary>How long to wait for a session.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The ZooKeeper session timeout.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>TLS to the servers' secure client port (with their certificate authority, and a client certificate); none by default.</summary>
    internal ZooKeeperTlsOptions? Tls { get; init; }

    /// <summary>
    /// TLS from files instead of <see cref="Tls"/>: the PEM file of the certificate authority that signs the servers'
    /// certificates (read when connecting).
    /// </summary>
    public string? CertificateAuthorityFile { get; init; }

    /// <summary>With <see cref="CertificateAuthorityFile"/>: a client certificate with its private key, for servers that ask for one.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>With <see cref="CertificateAuthorityFile"/>: the name the servers' certificates must carry, when it is not the host name connected to.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>The ZooKeeper client's logging hook (connection losses, failed reconnects, expiry); none by default.</summary>
    internal Action<ZooKeeperLogEntry>? Log { get; init; }

    /// <summary>The same log as <see cref="Log"/> in Core's terms, for callers that do not use the ZooKeeper client's types.</summary>
    public Action<ClusterLogEntry>? OnLog { get; init; }

    /// <summary>The record's text without the password, so that logging the options never shows it.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"Servers = {ConnectionString}, User = {User}, Password = {(Password is null ? "" : "***")}, ConnectTimeout = {ConnectTimeout}, SessionTimeout = {SessionTimeout}, Tls = {(Tls is null && CertificateAuthorityFile is null ? "off" : "on")}");
        return true;
    }

    /// <summary>Reads the TLS files now (<see cref="CertificateAuthorityFile"/>), so that a bad file is found before any connection.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidCertificateAuthorityFile": the file cannot be read as PEM certificates.</exception>
    public void ValidateTls() => _ = TlsOptions();

    /// <summary>The client's log hook: <see cref="Log"/> and <see cref="OnLog"/> together, or null for neither.</summary>
    internal Action<ZooKeeperLogEntry>? ClientLog()
    {
        if (OnLog is not { } onLog)
            return Log;
        var log = Log;
        return entry =>
        {
            log?.Invoke(entry);
            onLog(new ClusterLogEntry(entry.Level switch
            {
                ZooKeeperLogLevel.Debug => ClusterLogLevel.Debug,
                ZooKeeperLogLevel.Information => ClusterLogLevel.Information,
                ZooKeeperLogLevel.Warning => ClusterLogLevel.Warning,
                _ => ClusterLogLevel.Error,
            }, entry.Message, entry.Exception));
        };
    }

    /// <summary>The TLS options: <see cref="Tls"/>, else those of <see cref="CertificateAuthorityFile"/>, else none.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidCertificateAuthorityFile": the file cannot be read as PEM certificates.</exception>
    internal ZooKeeperTlsOptions? TlsOptions()
    {
        if (Tls is not null || CertificateAuthorityFile is null)
            return Tls;
        try
        {
            return ZooKeeperTlsOptions.FromPemFiles(CertificateAuthorityFile) with { ClientCertificate = ClientCertificate, ServerName = TlsServerName };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidCertificateAuthorityFile,
                $"The certificate authority file '{CertificateAuthorityFile}' cannot be read as PEM certificates: {e.Message}", e) { Target = CertificateAuthorityFile };
        }
    }

    /// <summary>The servers joined as a ZooKeeper connection string.</summary>
    public string ConnectionString => string.Join(',', Servers.Select(s => s.Trim()));
}
