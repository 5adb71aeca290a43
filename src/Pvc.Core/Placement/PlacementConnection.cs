using Pvc.Core.Connection;

namespace Pvc.Core.Placement;

/// <summary>The placement service of a connection (<c>cluster.Placement</c>).</summary>
public static class PlacementConnection
{
    extension(ClusterConnection cluster)
    {
        /// <summary>Where VMs can go on this cluster.</summary>
        public PlacementService Placement => new(cluster);
    }
}
