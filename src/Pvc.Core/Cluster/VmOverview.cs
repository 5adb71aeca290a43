using Pvc.Core.Schema;

namespace Pvc.Core.Cluster;

/// <summary>A VM as the cluster overview (<see cref="ClusterOverview"/>) shows it: its name, state and node.</summary>
/// <param name="Uuid">The VM's UUID.</param>
/// <param name="Name">The VM's name.</param>
/// <param name="State">Its state; Unknown for a value this version does not know.</param>
/// <param name="Node">The node it is on (or assigned to), or null when it has none.</param>
public sealed record VmOverview(Guid Uuid, string Name, VmState State, string? Node)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
