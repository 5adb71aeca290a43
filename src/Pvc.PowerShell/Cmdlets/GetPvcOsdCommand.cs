using System.Globalization;
using System.Management.Automation;
using Pvc.Core.Storage;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets the cluster's Ceph OSDs as the cluster records them (PVC's storage osd list).</summary>
[Cmdlet(VerbsCommon.Get, "PvcOsd")]
[OutputType(typeof(Osd))]
public sealed class GetPvcOsdCommand : ClusterCmdlet
{
    /// <summary>OSD ids; wildcards allowed (<c>1*</c>). All OSDs when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [Alias("OsdId")]
    public string[]? Id { get; set; }

    /// <summary>Only the OSDs of these nodes.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string[]? Node { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() =>
        WriteMatching<Osd>(Id, async (pattern, token) =>
        {
            var osds = await Connection.Osds.ListAsync(cancellationToken: token);
            return [.. osds.Where(o => (pattern is null || pattern.IsMatch(o.Id.ToString(CultureInfo.InvariantCulture)))
                && (Node is not { Length: > 0 } || Node.Contains(o.Node, StringComparer.Ordinal)))];
        }, "OSD", "OsdNotFound");
}
