namespace Pvc.NodeService.Configuration;

/// <summary>What the fencing coordinator does with a dead node's VMs (PVC's <c>fencing.actions</c>).</summary>
public enum FenceAction
{
    /// <summary>Leave them assigned to the dead node.</summary>
    None,

    /// <summary>Start them on other nodes (PVC's "migrate").</summary>
    Migrate,
}
