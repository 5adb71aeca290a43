using System.Management.Automation;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Nodes;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// A node as a cmdlet is given it: a name, or a node object Get-PvcNode emitted, which also names the cluster it came
/// from. Nodes are named by their host names only (PVC gives them no other identity).
/// </summary>
public sealed class PvcNodeIdentity
{
    /// <summary>A node by name.</summary>
    public PvcNodeIdentity(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>A node object (from Get-PvcNode or a cmdlet's -PassThru).</summary>
    public PvcNodeIdentity(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        (Name, Node) = (node.Name, node);
    }

    /// <summary>The node's name.</summary>
    public string Name { get; }

    /// <summary>The node object it was made from, if any.</summary>
    public Node? Node { get; }

    /// <summary>The cluster the object came from (null for a name: the cmdlet's cluster).</summary>
    public ClusterConnection? Cluster { get; private init; }

    /// <summary>The identity of a value PowerShell binds: an identity, a name, a node object (with its cluster); null for anything else.</summary>
    internal static PvcNodeIdentity? From(object? value)
    {
        var cluster = ClusterOfObject.Of(value);
        return (value is PSObject wrapped ? wrapped.BaseObject : value) switch
        {
            PvcNodeIdentity identity => identity,
            Node node => new PvcNodeIdentity(node) { Cluster = cluster },
            string text when !string.IsNullOrWhiteSpace(text) => new PvcNodeIdentity(text),
            // another kind of object (a CSV row, a custom object) names a node by its Name property; a VM does not
            Core.Vms.Vm => null,
            _ when value is PSObject other && other.Properties["Name"]?.Value is string name && !string.IsNullOrWhiteSpace(name) => new PvcNodeIdentity(name) { Cluster = cluster }, // the cluster it names, as for a VM
            _ => null,
        };
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
