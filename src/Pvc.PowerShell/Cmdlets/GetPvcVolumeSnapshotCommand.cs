using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets the snapshots of RBD volumes (PVC's storage volume snapshot list).</summary>
[Cmdlet(VerbsCommon.Get, "PvcVolumeSnapshot")]
[OutputType(typeof(Snapshot))]
public sealed class GetPvcVolumeSnapshotCommand : ClusterCmdlet
{
    /// <summary>Snapshot names; wildcards allowed. All snapshots when omitted.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>Only the snapshots of volumes in this pool.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string? Pool { get; set; }

    /// <summary>Only the snapshots of volumes of this name (a piped volume's own name).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VolumeNameCompleter))]
    public string? Volume { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() =>
        WriteMatching<Snapshot>(Name, async (pattern, token) =>
        {
            var snapshots = await Connection.Snapshots.ListAsync(Pool, Volume, cancellationToken: token);
            return [.. snapshots.Where(s => pattern is null || pattern.IsMatch(s.Name))];
        }, "snapshot", "SnapshotNotFound");
}
