using System.Management.Automation;
using Pvc.Core.Errors;
using Pvc.Core.Faults;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets the cluster's faults.</summary>
[Cmdlet(VerbsCommon.Get, "PvcFault")]
[OutputType(typeof(Fault))]
public sealed class GetPvcFaultCommand : ClusterCmdlet
{
    /// <summary>Fault ids (wildcards allowed); all faults when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(FaultIdCompleter))]
    [SupportsWildcards]
    public string[]? Id { get; set; }

    /// <summary>Sort order (PVC's sort keys). Default: last reported.</summary>
    [Parameter]
    public FaultSortKey SortBy { get; set; } = FaultSortKey.LastReported;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var (connection, sortBy) = (Connection, SortBy);
        WriteMatching<Fault>(Id, async (limit, token) =>
        {
            var faults = await connection.Faults.ListAsync(sortBy, token);
            return limit is null ? faults : [.. faults.Where(f => limit.IsMatch(f.Id))];
        }, "fault", PvcErrorIds.FaultNotFound);
    }
}
