using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>The not-found errors of the storage readers.</summary>
internal static class StorageErrors
{
    public static PvcNotFoundException OsdNotFound(string id) =>
        new("OsdNotFound", $"No OSD with id '{id}' exists in the cluster.") { Target = id };

    public static PvcNotFoundException PoolNotFound(string pool) =>
        new("PoolNotFound", $"No pool named '{pool}' exists in the cluster.") { Target = pool };

    public static PvcNotFoundException VolumeNotFound(string? pool, string volume) =>
        new("VolumeNotFound", pool is null
            ? $"No volume named '{volume}' exists in any pool."
            : $"No volume named '{volume}' exists in pool '{pool}'.") { Target = pool is null ? volume : $"{pool}/{volume}" };

    public static PvcNotFoundException SnapshotNotFound(string pool, string volume, string snapshot) =>
        new("SnapshotNotFound", $"No snapshot named '{snapshot}' exists of volume '{pool}/{volume}'.") { Target = $"{pool}/{volume}@{snapshot}" };
}
