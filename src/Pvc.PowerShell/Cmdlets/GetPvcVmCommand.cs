using System.Management.Automation;
using Pvc.Core.Errors;
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
        var vms = Connection.Vms;
        WriteMatching(Name, (limit, token) => vms.ListAsync(filter with { Limit = limit }, token), "VM", PvcErrorIds.VmNotFound);
    }
}
