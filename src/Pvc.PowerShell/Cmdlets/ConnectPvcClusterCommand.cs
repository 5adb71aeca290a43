using System.Management.Automation;
using System.Net;
using Pvc.Core.Cluster;
using Pvc.PowerShell.Infrastructure;
using Pvc.ZooKeeper;

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

    /// <summary>Digest credentials, when the cluster's znodes have digest ACLs.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>How long to wait for a session (seconds, or a TimeSpan). Default 15 s.</summary>
    [Parameter]
    [TimeoutTransformation]
    [ValidateTimeout]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Do not make this connection the runspace's default.</summary>
    [Parameter]
    public SwitchParameter NoDefault { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var options = new ClusterConnectionOptions
        {
            Servers = Server,
            User = Credential?.UserName,
            Password = Credential is null ? null : new NetworkCredential("", Credential.Password).Password,
            ConnectTimeout = Timeout,
        };
        ClusterConnection connection;
        try
        {
            connection = Await(token => ClusterConnection.ConnectAsync(options, token));
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "InvalidServer", ErrorCategory.InvalidArgument, Server));
            return;
        }
        catch (NoAuthException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "AccessDenied", ErrorCategory.PermissionDenied, options.ConnectionString));
            return;
        }
        catch (ZooKeeperException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "ClusterUnreachable", ErrorCategory.ConnectionError, options.ConnectionString));
            return;
        }
        if (!NoDefault)
            DefaultCluster.Set(connection);
        WriteObject(connection);
    }
}
