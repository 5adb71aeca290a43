using Pvc.Core.Connection;

namespace Pvc.Core.Nodes;

/// <summary>The node operations of a connection (<c>cluster.Nodes</c>).</summary>
public static class NodesConnection
{
    extension(ClusterConnection cluster)
    {
        /// <summary>Reading this cluster's nodes, flushing and readying them, and waiting for them.</summary>
        public NodeOperations Nodes => new(cluster);
    }
}
