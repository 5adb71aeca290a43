using Pvc.Core.Connection;

namespace Pvc.Core.Tasks;

/// <summary>The tasks of a connection (<c>cluster.Tasks</c>).</summary>
public static class TasksConnection
{
    extension(ClusterConnection cluster)
    {
        /// <summary>Submitting, reading, waiting for and pruning this cluster's tasks.</summary>
        public ClusterTaskStore Tasks => new(cluster);
    }
}
