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
    protected override void EndProcessing() =>
        WriteObject(AwaitOrThrow(token => ClusterStatusReader.ReadAsync(Connection, token), Connection.Servers));
}
