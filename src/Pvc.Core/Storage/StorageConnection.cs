using Pvc.Core.Connection;

namespace Pvc.Core.Storage;

/// <summary>The storage readers of a connection (<c>cluster.Pools</c>, <c>.Osds</c>, <c>.Volumes</c>, <c>.Snapshots</c>).</summary>
public static class StorageConnection
{
    extension(ClusterConnection cluster)
    {
        /// <summary>Reading this cluster's Ceph pools.</summary>
        public PoolReader Pools => new(cluster);

        /// <summary>Reading this cluster's Ceph OSDs.</summary>
        public OsdReader Osds => new(cluster);

        /// <summary>Reading this cluster's RBD volumes.</summary>
        public VolumeReader Volumes => new(cluster);

        /// <summary>Reading this cluster's RBD snapshots.</summary>
        public SnapshotReader Snapshots => new(cluster);

        /// <summary>Reading this cluster's storage benchmark results.</summary>
        public StorageBenchmarkReader StorageBenchmarks => new(cluster);

        /// <summary>The checks of this cluster's storage changes, before their tasks are submitted.</summary>
        public StorageOperations Storage => new(cluster);
    }
}
