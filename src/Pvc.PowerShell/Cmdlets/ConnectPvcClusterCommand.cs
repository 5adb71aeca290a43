using System.Management.Automation;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Connects to a cluster's ZooKeeper, returns the connection and makes it this runspace's default.</summary>
[Cmdlet(VerbsCommunications.Connect, "PvcCluster")]
[OutputType(typeof(ClusterConnection))]
public sealed class ConnectPvcClusterCommand : PvcCmdlet
{
    /// <summary>ZooKeeper servers, <c>host[:port]</c> (2181 by default); the last may carry a chroot.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("Hosts", "ComputerName")]
    [ValidateNotNullOrEmpty]
    public string[] Server { get; set; } = [];

    /// <summary>Digest credentials: a closed cluster's administrator (or member) user and password.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>The PEM file of the certificate authority that signs the servers' certificates; connects with TLS.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificateAuthorityFile { get; set; }

    /// <summary>A client certificate with its private key, for TLS servers that ask for one (ZooKeeper's default).</summary>
    [Parameter]
    [ValidateNotNull]
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>How long to wait for a session (seconds, or a TimeSpan). Default 15 s.</summary>
    [Parameter]
    [TimeoutTransformation]
    [ValidateTimeout]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The ZooKeeper session timeout asked of the servers (seconds, or a TimeSpan). Default 10 s.</summary>
    [Parameter]
    [TimeoutTransformation]
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Do not make this connection the runspace's default.</summary>
    [Parameter]
    public SwitchParameter NoDefault { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (ClientCertificate is not null && CertificateAuthorityFile is null)
            ThrowTerminatingError(PvcErrorRecords.Of(
                new ArgumentException("A client certificate is for TLS: give the servers' certificate authority with -CertificateAuthorityFile too."),
                "ClientCertificateWithoutTls", ErrorCategory.InvalidArgument, ClientCertificate));
        var options = new ClusterConnectionOptions
        {
            Servers = Server,
            User = Credential?.UserName,
            Password = Credential is null ? null : new NetworkCredential("", Credential.Password).Password,
            ConnectTimeout = Timeout,
            SessionTimeout = SessionTimeout,
            CertificateAuthorityFile = CertificateAuthorityFile is null ? null : GetUnresolvedProviderPathFromPSPath(CertificateAuthorityFile),
            ClientCertificate = ClientCertificate,
        };
        ClusterConnection connection;
        try
        {
            connection = Await(token => ClusterConnection.ConnectAsync(options, token));
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(PvcErrorRecords.Of(e, "InvalidServer", ErrorCategory.InvalidArgument, Server));
            return;
        }
        catch (Exception e) when (PvcErrorRecords.IsReportable(e))
        {
            var error = PvcException.From(e)!;
            // no session opened: whatever the client's reason, the cluster could not be reached
            if (error.Kind == PvcErrorKind.ConnectionError)
                error = new PvcException(PvcErrorKind.ConnectionError, PvcErrorIds.ClusterUnreachable, error.Message, e);
            ThrowTerminatingError(PvcErrorRecords.From(error, error.ErrorId switch
            {
                PvcErrorIds.InvalidCertificateAuthorityFile => CertificateAuthorityFile,
                PvcErrorIds.InvalidCredential => Credential?.UserName,
                _ => options.ConnectionString,
            }));
            return;
        }
        RunspaceConnections.Add(connection);
        WriteVerbose($"Connected to {connection} (session 0x{connection.SessionId:x}, {connection.RoundTrips} round trip(s))");
        if (!NoDefault)
            DefaultCluster.Set(connection);
        WriteObject(connection);
    }
}
