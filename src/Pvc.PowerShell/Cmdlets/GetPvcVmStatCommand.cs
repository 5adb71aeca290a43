using System.Management.Automation;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Gets what running VMs use, as rates (CPU %, disk and network bytes and operations a second) over their node's next
/// keepalive interval: it reads each VM's stats report, waits on a watch for the next one, and compares the two.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PvcVmStat")]
[OutputType(typeof(VmStat))]
public sealed class GetPvcVmStatCommand : ClusterCmdlet
{
    /// <summary>Names (wildcards allowed) or UUIDs; all running VMs when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(VmNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only VMs on this node.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string? Node { get; set; }

    /// <summary>How long to wait for the nodes' next reports (default 15 s; PVC's keepalive interval is 5 s).</summary>
    [Parameter]
    [TimeoutTransformation]
    [ValidateTimeout]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        // without names: the running VMs (a stopped VM has no rates); a VM named is shown whatever its state
        var filter = new VmFilter { Node = Node, State = Name is { Length: > 0 } ? null : VmState.Start };
        var vms = Connection.Vms;
        var timeout = Timeout;
        WriteMatching(Name, async (limit, token) => await vms.GetStatsAsync(await vms.ListAsync(filter with { Limit = limit }, token), timeout, token),
            "VM", PvcErrorIds.VmNotFound);
    }
}
