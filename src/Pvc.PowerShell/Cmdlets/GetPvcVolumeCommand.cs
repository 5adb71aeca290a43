using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets the cluster's RBD volumes (PVC's storage volume list).</summary>
[Cmdlet(VerbsCommon.Get, "PvcVolume")]
[OutputType(typeof(Volume))]
public sealed class GetPvcVolumeCommand : ClusterCmdlet
{
    /// <summary>Volume names; wildcards allowed. All volumes when omitted.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(VolumeNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only this pool's volumes.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PoolNameCompleter))]
    public string? Pool { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() =>
        WriteMatching<Volume>(Name, async (pattern, token) =>
        {
            var volumes = await Connection.Volumes.ListAsync(Pool, cancellationToken: token);
            return [.. volumes.Where(v => pattern is null || pattern.IsMatch(v.Name))];
        }, "volume", "VolumeNotFound");
}
