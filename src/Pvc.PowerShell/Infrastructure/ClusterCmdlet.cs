using System.Management.Automation;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>A cmdlet that works on a cluster: the one given with <c>-Cluster</c>, or the runspace's default.</summary>
public abstract class ClusterCmdlet : PvcCmdlet
{
    /// <summary>The cluster to work on (default: the last one connected in this runspace).</summary>
    [Parameter]
    [ValidateNotNull]
    public ClusterConnection? Cluster { get; set; }

    /// <summary>The cluster this cmdlet works on, resolved in <see cref="BeginProcessing"/>.</summary>
    protected ClusterConnection Connection { get; private set; } = null!;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        Connection = Cluster ?? DefaultCluster.Get()!;
        if (Connection is null)
            ThrowTerminatingError(PvcErrorRecords.Of(
                new InvalidOperationException("Not connected to a Pvc cluster. Run Connect-PvcCluster first, or pass -Cluster."),
                "NotConnected", ErrorCategory.ConnectionError, null));
        // the module holds no ephemeral znodes between commands, so a session the cluster expired (a laptop asleep, a
        // network outage) is replaced rather than reported on every command until the user connects again
        if (Connection.IsExpired && AwaitOrThrow(Connection.RenewExpiredSessionAsync, Connection.Servers))
            WriteWarning($"The ZooKeeper session with {Connection} had expired; a new session was opened (0x{Connection.SessionId:x}).");
    }
}
