using System.Management.Automation;
using Pvc.Core.Nodes;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>A cmdlet that acts on nodes named by <c>-Name</c> (or the <c>Name</c> of piped node objects).</summary>
public abstract class NodeCmdlet : ClusterCmdlet
{
    /// <summary>The node's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>The operations on this cmdlet's cluster.</summary>
    protected NodeOperations Nodes => _nodes ??= new NodeOperations(Connection);

    private NodeOperations? _nodes;
}
