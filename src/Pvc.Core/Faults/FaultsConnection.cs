using Pvc.Core.Connection;

namespace Pvc.Core.Faults;

/// <summary>The fault store of a connection (<c>cluster.Faults</c>).</summary>
public static class FaultsConnection
{
    extension(ClusterConnection cluster)
    {
        /// <summary>Reading, raising, acknowledging and deleting this cluster's faults.</summary>
        public FaultStore Faults => new(cluster);
    }
}
