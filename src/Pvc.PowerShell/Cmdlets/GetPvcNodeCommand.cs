using System.Management.Automation;
using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets nodes, with PVC's list filters.</summary>
[Cmdlet(VerbsCommon.Get, "PvcNode")]
[OutputType(typeof(Node))]
public sealed class GetPvcNodeCommand : ClusterCmdlet
{
    /// <summary>Names (wildcards allowed); all nodes when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only nodes whose service is in this state.</summary>
    [Parameter]
    public NodeDaemonState? DaemonState { get; set; }

    /// <summary>Only nodes in this coordinator state.</summary>
    [Parameter]
    public CoordinatorState? CoordinatorState { get; set; }

    /// <summary>Only nodes in this domain state.</summary>
    [Parameter]
    public NodeDomainState? DomainState { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var filter = new NodeFilter { DaemonState = DaemonState, CoordinatorState = CoordinatorState, DomainState = DomainState };
        var nodes = new NodeOperations(Connection);
        WriteMatching(Name, (limit, token) => nodes.ListAsync(filter with { Limit = limit }, token), "node", PvcErrorIds.NodeNotFound);
    }
}
