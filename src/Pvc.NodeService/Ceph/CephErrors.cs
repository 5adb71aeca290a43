using Pvc.Core.Errors;

namespace Pvc.NodeService.Ceph;

/// <summary>
/// Ceph's failures as Core's typed errors. librados and librbd return a negative errno; the command-line tools print
/// their message and exit non-zero. Each error names the operation and what to do.
/// </summary>
internal static class CephErrors
{
    private const int ENOENT = 2;
    private const int EPERM = 1;
    private const int EACCES = 13;
    private const int EBUSY = 16;
    private const int EEXIST = 17;
    private const int EINVAL = 22;
    private const int ENOSPC = 28;
    private const int ENOTEMPTY = 39;
    private const int ENOTCONN = 107;
    private const int ETIMEDOUT = 110;
    private const int EDQUOT = 122;

    public static PvcException PoolNotFound(string pool) =>
        new(PvcErrorKind.NotFound, PvcErrorIds.PoolNotFound, $"No pool named '{pool}' exists in the Ceph cluster.") { Target = pool };

    public static PvcException PoolExists(string pool) =>
        new(PvcErrorKind.AlreadyExists, PvcErrorIds.PoolExists, $"A pool named '{pool}' exists already in the Ceph cluster; choose another name.") { Target = pool };

    public static PvcException VolumeNotFound(string pool, string volume) =>
        new(PvcErrorKind.NotFound, PvcErrorIds.VolumeNotFound, $"No volume named '{volume}' exists in pool '{pool}'.") { Target = $"{pool}/{volume}" };

    public static PvcException VolumeExists(string pool, string volume) =>
        new(PvcErrorKind.AlreadyExists, PvcErrorIds.VolumeExists, $"A volume named '{volume}' exists already in pool '{pool}'; choose another name.") { Target = $"{pool}/{volume}" };

    public static PvcException SnapshotNotFound(string pool, string volume, string snapshot) =>
        new(PvcErrorKind.NotFound, PvcErrorIds.SnapshotNotFound, $"No snapshot named '{snapshot}' exists of volume '{pool}/{volume}'.") { Target = $"{pool}/{volume}@{snapshot}" };

    public static PvcException SnapshotExists(string pool, string volume, string snapshot) =>
        new(PvcErrorKind.AlreadyExists, PvcErrorIds.SnapshotExists, $"Volume '{pool}/{volume}' has a snapshot named '{snapshot}' already; choose another name.") { Target = $"{pool}/{volume}@{snapshot}" };

    /// <summary>A protected snapshot has clones, which depend on it: its volume cannot be deleted.</summary>
    public static PvcException SnapshotHasClones(string pool, string volume, string snapshot, IReadOnlyList<string> clones, string outcome) =>
        new(PvcErrorKind.InvalidOperation, PvcErrorIds.SnapshotHasClones,
            $"Volume '{pool}/{volume}' has the protected snapshot '{snapshot}' with the clone{(clones.Count == 1 ? "" : "s")} {string.Join(", ", clones.Select(c => $"'{c}'"))}, which depend{(clones.Count == 1 ? "s" : "")} on it; {outcome}. Flatten or remove the clone{(clones.Count == 1 ? "" : "s")} first (rbd flatten).") { Target = $"{pool}/{volume}@{snapshot}" };

    public static PvcException InvalidSize(long bytes, string what) =>
        new(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidVolumeSize, $"{what} must be a positive number of bytes; {bytes} is not.") { Target = bytes };

    public static PvcException ShrinkRefused(string pool, string volume, long from, long to) =>
        new(PvcErrorKind.InvalidOperation, PvcErrorIds.VolumeShrinkRefused, $"Volume '{pool}/{volume}' is {from} bytes; resizing it to {to} bytes would cut off its end and the data there. Shrinking must be asked for explicitly.") { Target = $"{pool}/{volume}" };

    /// <summary>A Ceph tool (rbd, ceph-volume) that exited non-zero for a reason not mapped to a typed error.</summary>
    public static PvcException ToolFailed(string operation, string target, int exitCode, string message) =>
        new(PvcErrorKind.InvalidOperation, PvcErrorIds.CephCallFailed, $"{operation} failed on '{target}' (exit code {exitCode}): {message}") { Target = target };

    /// <summary>
    /// An errno from librados or librbd (negative or positive) after <paramref name="operation"/> on
    /// <paramref name="target"/>; ENOENT and EEXIST are mapped by the caller, which knows what was missing or there.
    /// </summary>
    public static PvcException FromErrno(int result, string operation, string target)
    {
        var errno = Math.Abs(result);
        var text = $"{operation} failed on '{target}': {Describe(errno)} (errno {errno})";
        return errno switch
        {
            ETIMEDOUT or ENOTCONN => new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.CephTimeout, $"{text}. The Ceph monitors or OSDs did not answer in time; check 'ceph -s' on a node.") { Target = target },
            EPERM or EACCES => new PvcException(PvcErrorKind.AccessDenied, PvcErrorIds.CephAccessDenied, $"{text}. Ceph did not permit it: check the node's keyring and the client's capabilities, or what Ceph said it wants.") { Target = target },
            EBUSY or ENOTEMPTY => new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.CephResourceBusy, $"{text}. Something still uses it (a watcher, a snapshot, a clone); release that first.") { Target = target },
            ENOSPC or EDQUOT => new PvcException(PvcErrorKind.ResourceUnavailable, PvcErrorIds.CephNoSpace, $"{text}. The pool or cluster is full.") { Target = target },
            EINVAL => new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.CephInvalidArgument, $"{text}. Ceph refused the request's values.") { Target = target },
            _ => new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.CephCallFailed, $"{text}.") { Target = target },
        };
    }

    private static string Describe(int errno) => errno switch
    {
        ENOENT => "no such object",
        EPERM => "operation not permitted",
        EACCES => "permission denied",
        EBUSY => "busy",
        EEXIST => "exists already",
        EINVAL => "invalid argument",
        ENOSPC => "no space left",
        ENOTEMPTY => "not empty",
        ENOTCONN => "not connected",
        ETIMEDOUT => "timed out",
        EDQUOT => "quota exceeded",
        _ => "error",
    };

    public const int NotFound = ENOENT;
    public const int Exists = EEXIST;
    public const int Range = 34;
}
