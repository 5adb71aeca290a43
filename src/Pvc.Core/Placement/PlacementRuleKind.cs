namespace Pvc.Core.Placement;

/// <summary>What a placement rule asks of its VMs.</summary>
public enum PlacementRuleKind
{
    /// <summary>No two of its VMs on one node (anti-affinity: "db1 and db2 never on one node").</summary>
    KeepApart,

    /// <summary>All of its VMs on one node (affinity).</summary>
    KeepTogether,
}
