using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>The not-found errors of the storage readers.</summary>
internal static class StorageErrors
{
    public static PvcException OsdNotFound(string id) =>
        new(PvcErrorKind.NotFound, PvcErrorIds.OsdNotFound, $"No OSD with id '{id}' exists in the cluster.") { Target = id };

    public static PvcException PoolNotFound(string pool) =>
        new(PvcErrorKind.NotFound, PvcErrorIds.PoolNotFound, $"No pool named '{pool}' exists in the cluster.") { Target = pool };

    public static PvcException VolumeNotFound(string? pool, string volume) =>
        new(PvcErrorKind.NotFound, PvcErrorIds.VolumeNotFound, pool is null
            ? $"No volume named '{volume}' exists in any pool."
            : $"No volume named '{volume}' exists in pool '{pool}'.") { Target = pool is null ? volume : $"{pool}/{volume}" };

    public static PvcException SnapshotNotFound(string pool, string volume, string snapshot) =>
        new(PvcErrorKind.NotFound, PvcErrorIds.SnapshotNotFound, $"No snapshot named '{snapshot}' exists of volume '{pool}/{volume}'.") { Target = $"{pool}/{volume}@{snapshot}" };
}
