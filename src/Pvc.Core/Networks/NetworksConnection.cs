using Pvc.Core.Connection;

namespace Pvc.Core.Networks;

/// <summary>The network operations of a connection (<c>cluster.Networks</c>).</summary>
public static class NetworksConnection
{
    extension(ClusterConnection cluster)
    {
        /// <summary>Reading and changing this cluster's networks, their DHCP reservations and firewall rules.</summary>
        public NetworkOperations Networks => new(cluster);
    }
}
