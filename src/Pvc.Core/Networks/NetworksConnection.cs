using Pvc.Core.Connection;

namespace Pvc.Core.Networks;

/// <summary>The network reader of a connection (<c>cluster.Networks</c>).</summary>
public static class NetworksConnection
{
    extension(ClusterConnection cluster)
    {
        /// <summary>Reading this cluster's networks.</summary>
        public NetworkReader Networks => new(cluster);
    }
}
