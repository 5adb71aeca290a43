using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets Ceph's status, health and utilisation as the primary last reported them (PVC's storage status and storage util).</summary>
[Cmdlet(VerbsCommon.Get, "PvcStorageStatus")]
[OutputType(typeof(StorageStatus))]
public sealed class GetPvcStorageStatusCommand : ClusterCmdlet
{
    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var before = Connection.RoundTrips;
        var status = AwaitOrThrow(token => StorageStatus.ReadAsync(Connection, token), Connection.Servers);
        Narrate("Read the storage status", before);
        WriteResult(status);
    }
}
