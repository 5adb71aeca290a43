using System.Management.Automation;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Closes a cluster connection (by default the runspace's default one).</summary>
[Cmdlet(VerbsCommunications.Disconnect, "PvcCluster")]
[OutputType(typeof(void))]
public sealed class DisconnectPvcClusterCommand : PvcCmdlet
{
    /// <summary>The connection to close; the default one when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    public ClusterConnection? Cluster { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var connection = Cluster ?? DefaultCluster.Get();
        if (connection is null)
        {
            WriteError(PvcErrorRecords.Of(
                new InvalidOperationException("Not connected to a Pvc cluster: there is nothing to disconnect."),
                "NotConnected", ErrorCategory.ConnectionError, null));
            return;
        }
        Await(_ => connection.DisposeAsync().AsTask());
        RunspaceConnections.Remove(connection);
        WriteVerbose($"Closed the connection to {connection}");
        if (ReferenceEquals(DefaultCluster.Get(), connection))
            DefaultCluster.Set(null);
    }
}
