namespace Pvc.Core.Networks;

/// <summary>An SR-IOV physical function of a node, as PVC's node daemon records it (<c>pvc network sriov pf list</c>).</summary>
public sealed record SriovPf
{
    /// <summary>The node that has the device.</summary>
    public required string Node { get; init; }
    /// <summary>The PF's interface name (e.g. ens1f0).</summary>
    public required string Name { get; init; }
    /// <summary>Its MTU; null when unreadable.</summary>
    public int? Mtu { get; init; }
    /// <summary>How many VFs the node daemon configured on it; null when unreadable.</summary>
    public int? VfCount { get; init; }
    /// <summary>The names of the node's VFs whose PF this is, sorted.</summary>
    public required IReadOnlyList<string> Vfs { get; init; }
}
