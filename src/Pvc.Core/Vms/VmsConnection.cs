using Pvc.Core.Connection;

namespace Pvc.Core.Vms;

/// <summary>The VM operations of a connection (<c>cluster.Vms</c>).</summary>
public static class VmsConnection
{
    extension(ClusterConnection cluster)
    {
        /// <summary>Reading, defining, changing and waiting for this cluster's VMs.</summary>
        public VmOperations Vms => new(cluster);
    }
}
