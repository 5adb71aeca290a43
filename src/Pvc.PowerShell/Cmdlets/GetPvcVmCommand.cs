using System.Management.Automation;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets VMs, with PVC's list filters.</summary>
[Cmdlet(VerbsCommon.Get, "PvcVm")]
[OutputType(typeof(Vm))]
public sealed class GetPvcVmCommand : ClusterCmdlet
{
    /// <summary>Names (wildcards allowed) or UUIDs; all VMs when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(VmNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only VMs on this node.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string? Node { get; set; }

    /// <summary>Only VMs in this state.</summary>
    [Parameter]
    public VmState? State { get; set; }

    /// <summary>Only VMs with this tag.</summary>
    [Parameter]
    public string? Tag { get; set; }

    /// <summary>Invert -Node, -State and -Tag (PVC's --negate).</summary>
    [Parameter]
    public SwitchParameter Negate { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var filter = new VmFilter { Node = Node, State = State, Tag = Tag, Negate = Negate };
        if (Name is null || Name.Length == 0)
        {
            WriteVms(filter, null);
            return;
        }
        foreach (var name in Name)
        {
            var limit = TryAwait(_ => Task.FromResult(Guid.TryParse(name, out var _) ? new LimitPattern(name) : LimitPattern.FromWildcard(name)), name);
            if (limit is null)
                continue;
            var found = WriteVms(filter with { Limit = limit }, name);
            if (found == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                WriteError(PvcErrorRecords.Of(new ItemNotFoundException($"No VM is named '{name}'. Get-PvcVm without -Name lists the VMs."),
                    PvcErrorIds.VmNotFound, ErrorCategory.ObjectNotFound, name));
        }
    }

    private int WriteVms(VmFilter filter, string? target)
    {
        var vms = TryAwait(token => Connection.Vms.ListAsync(filter, token), target);
        foreach (var vm in vms ?? [])
            WriteObject(vm);
        return vms?.Count ?? 0;
    }
}
