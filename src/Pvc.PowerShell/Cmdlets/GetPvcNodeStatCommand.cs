using System.Management.Automation;
using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets what nodes use, as their last keepalive reported it: load, memory, vCPUs and each physical interface's traffic a second.</summary>
[Cmdlet(VerbsCommon.Get, "PvcNodeStat")]
[OutputType(typeof(NodeStat))]
public sealed class GetPvcNodeStatCommand : ClusterCmdlet
{
    /// <summary>Names (wildcards allowed); all nodes when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var nodes = new NodeOperations(Connection);
        WriteMatching(Name, async (limit, token) => await nodes.GetStatsAsync(await nodes.ListAsync(new NodeFilter { Limit = limit }, token), token),
            "node", PvcErrorIds.NodeNotFound);
    }
}
