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
        var faults = TryAwait(token => Connection.Faults.ListAsync(SortBy, token), null);
        if (faults is null)
            return;
        if (Id is null || Id.Length == 0)
        {
            WriteObject(faults, enumerateCollection: true);
            return;
        }
        foreach (var id in Id)
        {
            var pattern = WildcardPattern.Get(id, WildcardOptions.IgnoreCase);
            var found = faults.Where(f => pattern.IsMatch(f.Id)).ToList();
            WriteObject(found, enumerateCollection: true);
            if (found.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(id))
                WriteError(PvcErrorRecords.Of(new ItemNotFoundException($"There is no fault '{id}'."), PvcErrorIds.FaultNotFound, ErrorCategory.ObjectNotFound, id));
        }
    }
}
