using System.Management.Automation;
using Pvc.Core.Cluster;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets the cluster's status: health, faults, primary coordinator, maintenance, node and VM states.</summary>
[Cmdlet(VerbsCommon.Get, "PvcCluster")]
[OutputType(typeof(ClusterStatus))]
public sealed class GetPvcClusterCommand : ClusterCmdlet
{
    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var before = Connection.RoundTrips;
        var status = AwaitOrThrow(token => ClusterStatusReader.ReadAsync(Connection, token), Connection.Servers);
        Narrate("Read the cluster's status", before);
        WriteObject(status);
    }
}
