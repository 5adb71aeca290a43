using Pvc.Core.Nodes;

namespace Pvc.Core.Cluster;

/// <summary>One node of the cluster overview (<see cref="ClusterOverview"/>): the node as Get-PvcNode reads it, and its VMs.</summary>
/// <param name="Node">The node, with its states, health, memory and CPU figures.</param>
/// <param name="Vms">The VMs whose node it is, by name.</param>
public sealed record NodeOverview(Node Node, IReadOnlyList<VmOverview> Vms)
{
    /// <summary>The node's name.</summary>
    public string Name => Node.Name;

    /// <inheritdoc />
    public override string ToString() => Node.Name;
}
