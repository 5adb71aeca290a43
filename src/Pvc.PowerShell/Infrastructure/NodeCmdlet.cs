using System.Management.Automation;
using Pvc.Core.Nodes;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>A cmdlet that acts on nodes given by <c>-Name</c>: a name, or a node object (piped, or given).</summary>
public abstract class NodeCmdlet : ClusterCmdlet
{
    /// <summary>The node: its name, or a node object (which acts in the cluster it came from).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [NodeIdentityTransformation]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public PvcNodeIdentity Name { get; set; } = null!;

    /// <summary>The operations on this input object's cluster.</summary>
    protected NodeOperations Nodes => new(Connection);

    /// <summary>
    /// The node's name for this input object, in its cluster (see <see cref="ClusterCmdlet.UseClusterOf"/>); null (with
    /// an error written) when an explicit -Cluster is not the object's.
    /// </summary>
    protected string? ResolveNode() => UseClusterOf(Name.Cluster, Name) ? Name.Name : null;
}
