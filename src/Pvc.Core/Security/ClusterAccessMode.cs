namespace Pvc.Core.Security;

/// <summary>Who may read and write a cluster's znodes.</summary>
public enum ClusterAccessMode
{
    /// <summary>
    /// Only the cluster's digest users (the node services' member credential and the administrators it was initialised
    /// with): every znode carries their ACL. Pvc's default. PVC's own tools cannot use such a cluster.
    /// </summary>
    Closed,

    /// <summary>
    /// PVC-compatible: every znode is open to anyone who reaches ZooKeeper (world:anyone), as PVC 1.0.3 leaves it, so
    /// that PVC's own tools can share the cluster. Anyone on the network can read the BMC passwords in
    /// <c>/nodes/&lt;node&gt;/ipmipassword</c> and change or delete any VM.
    /// </summary>
    Open,
}
