using System.Runtime.InteropServices;
using System.Text;
using Pvc.Core.Errors;
using Pvc.Core.Storage;
using Pvc.NodeService.Ceph.Native;

namespace Pvc.NodeService.Ceph;

/// <summary>
/// RBD volumes and their snapshots through librbd in the node service's process (PVC runs <c>rbd create</c>, <c>rbd
/// resize</c>, ... as commands: bench/RESULTS.md has the difference, docs/ceph-access.md the choice). Every pool,
/// volume and snapshot name is checked against Pvc's rules before it reaches librbd; the calls block, so each runs
/// on the thread pool.
/// </summary>
public sealed class RbdImages(RadosCluster cluster)
{
    /// <summary>Creates a volume with the cluster's default format and features, as <c>rbd create --size</c>.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidPoolName", "InvalidVolumeName", "InvalidVolumeSize".</exception>
    /// <exception cref="PvcException">NotFound: "PoolNotFound".</exception>
    /// <exception cref="PvcException">AlreadyExists: "VolumeExists".</exception>
    public Task CreateAsync(string pool, string volume, long sizeBytes, CancellationToken cancellationToken = default)
    {
        Validate(pool, volume);
        if (sizeBytes <= 0)
            throw CephErrors.InvalidSize(sizeBytes, "A volume's size");
        return InPoolAsync(pool, io =>
        {
            RbdNative.rbd_image_options_create(out var options);
            try
            {
                var result = RbdNative.rbd_create4(io, volume, (ulong)sizeBytes, options);
                if (result == -CephErrors.Exists)
                    throw CephErrors.VolumeExists(pool, volume);
                RadosCluster.Check(result, "creating volume", $"{pool}/{volume}");
            }
            finally
            {
                RbdNative.rbd_image_options_destroy(options);
            }
            return true;
        }, cancellationToken);
    }

    /// <summary>The bytes a write of <see cref="WriteFromFileAsync"/> sends at once: RBD's default object size.</summary>
    public const int WriteChunkBytes = 4 << 20;

    /// <summary>
    /// Writes the first <paramref name="length"/> bytes of <paramref name="file"/> (an open regular file, read at its
    /// offsets from 0 whatever its position) into a volume from
    /// its start with <c>rbd_write</c>, a chunk of <see cref="WriteChunkBytes"/> at a time, then flushes. A chunk of
    /// zeros is skipped when <paramref name="skipZeros"/> (a new volume reads zeros already, and stays thin), else
    /// zeroed with <c>rbd_write_zeroes</c>. <paramref name="progress"/> gets the bytes written after each chunk.
    /// </summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound", "VolumeNotFound"; InvalidArgument: "InvalidVolumeSize".</exception>
    public async Task WriteFromFileAsync(string pool, string volume, Microsoft.Win32.SafeHandles.SafeFileHandle file, long length, bool skipZeros,
        Func<long, CancellationToken, Task> progress, CancellationToken cancellationToken = default)
    {
        Validate(pool, volume);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(progress);
        if (length <= 0)
            throw CephErrors.InvalidSize(length, "An image's size");
        var target = $"{pool}/{volume}";
        using var io = await Task.Run(() => cluster.OpenPool(pool), cancellationToken);
        using var image = Open(io, pool, volume);
        var buffer = GC.AllocateUninitializedArray<byte>(WriteChunkBytes, pinned: true);
        long offset = 0;
        while (offset < length)
        {
            var count = (int)Math.Min(WriteChunkBytes, length - offset);
            for (var read = 0; read < count;)
            {
                var got = await RandomAccess.ReadAsync(file, buffer.AsMemory(read, count - read), offset + read, cancellationToken);
                if (got == 0)
                    throw new EndOfStreamException($"The image file ended at byte {offset + read}, before the {length} bytes to write into '{target}'.");
                read += got;
            }
            var at = offset;
            await Task.Run(() => WriteChunk(image, buffer, at, count, skipZeros, target), cancellationToken);
            offset += count;
            await progress(offset, cancellationToken);
        }
        await Task.Run(() => RadosCluster.Check(RbdNative.rbd_flush(image), "flushing volume", target), cancellationToken);
    }

    private static unsafe void WriteChunk(RbdImageHandle image, byte[] buffer, long offset, int count, bool skipZeros, string target)
    {
        if (!buffer.AsSpan(0, count).ContainsAnyExcept((byte)0))
        {
            if (!skipZeros)
                RadosCluster.Check(RbdNative.rbd_write_zeroes(image, (ulong)offset, (nuint)count, 0, 0), "zeroing volume", target);
            return;
        }
        fixed (byte* p = buffer)
        {
            var written = RbdNative.rbd_write(image, (ulong)offset, (nuint)count, p);
            if (written < 0)
                RadosCluster.Check((int)written, "writing volume", target);
            else if (written != count)
                throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.CephCallFailed,
                    $"Writing volume '{target}' at byte {offset} wrote {written} of {count} bytes.") { Target = target };
        }
    }

    /// <summary>The volumes in a pool, by name (as <c>rbd ls</c>).</summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound".</exception>
    public Task<IReadOnlyList<string>> ListAsync(string pool, CancellationToken cancellationToken = default)
    {
        PoolName.Validate(pool);
        return InPoolAsync<IReadOnlyList<string>>(pool, io => List(io, pool), cancellationToken);
    }

    private static unsafe List<string> List(IoContextHandle io, string pool)
    {
        nuint size = 4096;
        while (true)
        {
            var buffer = new byte[size];
            int result;
            fixed (byte* p = buffer)
                result = RbdNative.rbd_list(io, p, ref size);
            if (result == -CephErrors.Range)
                continue;
            RadosCluster.Check(result, "listing volumes", pool);
            // NUL-terminated names, one after the other
            return [.. Encoding.UTF8.GetString(buffer, 0, result).Split('\0', StringSplitOptions.RemoveEmptyEntries)];
        }
    }

    /// <summary>
    /// Removes a volume and its snapshots first (PVC: <c>rbd snap purge</c>, then <c>rbd rm</c>); a protected snapshot
    /// is unprotected first when no clone depends on it. A volume some client has open (a watcher: a VM's QEMU, a map),
    /// or one with a protected snapshot that has clones, is refused before any snapshot is touched (rev14 P2-5: the
    /// removal would fail on it after the snapshots were gone).
    /// </summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound", "VolumeNotFound".</exception>
    /// <exception cref="PvcException">InvalidOperation: "CephResourceBusy": a client still has it open; "SnapshotHasClones": a protected snapshot has clones.</exception>
    public Task RemoveAsync(string pool, string volume, CancellationToken cancellationToken = default)
    {
        Validate(pool, volume);
        return InPoolAsync(pool, io =>
        {
            if (Watchers(io, pool, volume) is { Count: > 0 } watchers)
                throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.CephResourceBusy,
                    $"Volume '{pool}/{volume}' is open by {watchers.Count} client(s) ({string.Join(", ", watchers)}); nothing was removed. Stop what uses it (a VM's QEMU, a map) first.") { Target = $"{pool}/{volume}" };
            using (var image = Open(io, pool, volume))
            {
                var snapshots = Snapshots(image, pool, volume);
                if (ProtectedWithClones(io, pool, volume, snapshots).FirstOrDefault() is { } cloned)
                    throw CephErrors.SnapshotHasClones(pool, volume, cloned.Name, cloned.Clones, "nothing was removed");
                foreach (var snapshot in snapshots)
                {
                    if (snapshot.Protected)
                        RadosCluster.Check(RbdNative.rbd_snap_unprotect(image, snapshot.Name), "unprotecting snapshot", $"{pool}/{volume}@{snapshot.Name}");
                    RadosCluster.Check(RbdNative.rbd_snap_remove(image, snapshot.Name), "removing snapshot", $"{pool}/{volume}@{snapshot.Name}");
                }
            }
            var result = RbdNative.rbd_remove(io, volume);
            if (result == -CephErrors.NotFound)
                throw CephErrors.VolumeNotFound(pool, volume);
            RadosCluster.Check(result, "removing volume", $"{pool}/{volume}");
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Resizes a volume (<c>rbd resize --size</c>). Shrinking cuts off the data past the new end: refused unless
    /// <paramref name="allowShrink"/> (as rbd refuses without <c>--allow-shrink</c>).
    /// </summary>
    /// <exception cref="PvcException">InvalidOperation: "VolumeShrinkRefused".</exception>
    public Task ResizeAsync(string pool, string volume, long sizeBytes, bool allowShrink = false, CancellationToken cancellationToken = default)
    {
        Validate(pool, volume);
        if (sizeBytes <= 0)
            throw CephErrors.InvalidSize(sizeBytes, "A volume's new size");
        return InPoolAsync(pool, io =>
        {
            using var image = Open(io, pool, volume);
            RadosCluster.Check(RbdNative.rbd_stat(image, out var stat, (nuint)Marshal.SizeOf<RbdNative.RbdImageStat>()), "reading volume", $"{pool}/{volume}");
            if ((ulong)sizeBytes < stat.Size && !allowShrink)
                throw CephErrors.ShrinkRefused(pool, volume, (long)stat.Size, sizeBytes);
            RadosCluster.Check(RbdNative.rbd_resize(image, (ulong)sizeBytes), "resizing volume", $"{pool}/{volume}");
            return true;
        }, cancellationToken);
    }

    /// <summary>A volume's details (as <c>rbd info</c>).</summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound", "VolumeNotFound".</exception>
    public Task<RbdVolumeInfo> GetInfoAsync(string pool, string volume, CancellationToken cancellationToken = default)
    {
        Validate(pool, volume);
        return InPoolAsync(pool, io =>
        {
            using var image = Open(io, pool, volume);
            return Info(image, pool, volume);
        }, cancellationToken);
    }

    private static unsafe RbdVolumeInfo Info(RbdImageHandle image, string pool, string volume)
    {
        var target = $"{pool}/{volume}";
        RadosCluster.Check(RbdNative.rbd_stat(image, out var stat, (nuint)sizeof(RbdNative.RbdImageStat)), "reading volume", target);
        var id = stackalloc byte[64];
        RadosCluster.Check(RbdNative.rbd_get_id(image, id, 64), "reading the volume's id", target);
        RadosCluster.Check(RbdNative.rbd_get_features(image, out var features), "reading the volume's features", target);
        RadosCluster.Check(RbdNative.rbd_get_create_timestamp(image, out var created), "reading the volume's creation time", target);
        return new RbdVolumeInfo
        {
            Pool = pool,
            Name = volume,
            Id = Marshal.PtrToStringUTF8((IntPtr)id) ?? "",
            SizeBytes = (long)stat.Size,
            Objects = (long)stat.ObjectCount,
            Order = stat.Order,
            ObjectSizeBytes = (long)stat.ObjectSize,
            BlockNamePrefix = Marshal.PtrToStringUTF8((IntPtr)stat.BlockNamePrefix) ?? "",
            Features = RbdFeatures.ToNames(features),
            SnapshotCount = Snapshots(image, pool, volume).Count,
            Created = DateTime.UnixEpoch.AddSeconds(created.Seconds).AddTicks(created.Nanoseconds / 100),
        };
    }

    /// <summary>
    /// A volume's details (at <paramref name="snapshot"/> when given) as PVC stores <c>rbd info --format json</c> in its
    /// <c>/stats</c>: PVC's scan.
    /// </summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound", "VolumeNotFound", "SnapshotNotFound".</exception>
    public Task<RbdImageSample> ScanAsync(string pool, string volume, string? snapshot = null, CancellationToken cancellationToken = default)
    {
        Validate(pool, volume);
        if (snapshot is not null)
            SnapshotName.Validate(snapshot);
        return InPoolAsync(pool, io =>
        {
            using var image = Open(io, pool, volume, snapshot);
            return Sample(image, pool, volume, snapshot);
        }, cancellationToken);
    }

    private static unsafe RbdImageSample Sample(RbdImageHandle image, string pool, string volume, string? snapshot)
    {
        var info = Info(image, pool, volume);
        var target = $"{pool}/{volume}";
        RadosCluster.Check(RbdNative.rbd_get_op_features(image, out var opFeatures), "reading the volume's operation features", target);
        RadosCluster.Check(RbdNative.rbd_get_flags(image, out var flags), "reading the volume's flags", target);
        RadosCluster.Check(RbdNative.rbd_get_access_timestamp(image, out var accessed), "reading the volume's access time", target);
        RadosCluster.Check(RbdNative.rbd_get_modify_timestamp(image, out var modified), "reading the volume's modification time", target);
        bool? isProtected = null;
        if (snapshot is not null)
        {
            RadosCluster.Check(RbdNative.rbd_snap_is_protected(image, snapshot, out var p), "reading snapshot", $"{target}@{snapshot}");
            isProtected = p != 0;
        }
        return new RbdImageSample
        {
            Name = volume,
            Id = info.Id,
            SizeBytes = info.SizeBytes,
            Objects = info.Objects,
            Order = info.Order,
            ObjectSizeBytes = info.ObjectSizeBytes,
            SnapshotCount = info.SnapshotCount,
            BlockNamePrefix = info.BlockNamePrefix,
            Features = info.Features,
            OpFeatures = RbdFeatures.OperationNames(opFeatures),
            Flags = RbdFeatures.FlagNamesOf(flags),
            Protected = isProtected,
            Created = info.Created,
            Accessed = Time(accessed),
            Modified = Time(modified),
        };
    }

    private static DateTime Time(RbdNative.Timespec t) => DateTime.UnixEpoch.AddSeconds(t.Seconds).AddTicks(t.Nanoseconds / 100);

    /// <summary>Renames a volume within its pool (<c>rbd rename</c>).</summary>
    /// <exception cref="PvcException">NotFound: "VolumeNotFound"; AlreadyExists: "VolumeExists".</exception>
    public Task RenameAsync(string pool, string volume, string newName, CancellationToken cancellationToken = default)
    {
        Validate(pool, volume);
        VolumeName.Validate(newName);
        return InPoolAsync(pool, io =>
        {
            var result = RbdNative.rbd_rename(io, volume, newName);
            if (result == -CephErrors.NotFound)
                throw CephErrors.VolumeNotFound(pool, volume);
            if (result == -CephErrors.Exists)
                throw CephErrors.VolumeExists(pool, newName);
            RadosCluster.Check(result, "renaming volume", $"{pool}/{volume}");
            return true;
        }, cancellationToken);
    }

    /// <summary>Copies a volume's data into a new volume of the same pool (PVC's clone: <c>rbd copy</c>).</summary>
    /// <exception cref="PvcException">NotFound: "VolumeNotFound"; AlreadyExists: "VolumeExists".</exception>
    public Task CopyAsync(string pool, string volume, string newName, CancellationToken cancellationToken = default)
    {
        Validate(pool, volume);
        VolumeName.Validate(newName);
        return InPoolAsync(pool, io =>
        {
            using var image = Open(io, pool, volume);
            var result = RbdNative.rbd_copy(image, io, newName);
            if (result == -CephErrors.Exists)
                throw CephErrors.VolumeExists(pool, newName);
            RadosCluster.Check(result, "copying volume", $"{pool}/{volume}");
            return true;
        }, cancellationToken);
    }

    /// <summary>Renames a snapshot (<c>rbd snap rename</c>).</summary>
    /// <exception cref="PvcException">NotFound: "SnapshotNotFound"; AlreadyExists: "SnapshotExists".</exception>
    public Task RenameSnapshotAsync(string pool, string volume, string snapshot, string newName, CancellationToken cancellationToken = default)
    {
        SnapshotName.Validate(newName);
        return OnSnapshotAsync(pool, volume, snapshot, "renaming snapshot", (image, name) =>
        {
            var result = RbdNative.rbd_snap_rename(image, name, newName);
            if (result == -CephErrors.Exists)
                throw CephErrors.SnapshotExists(pool, volume, newName);
            return result;
        }, CephErrors.NotFound, () => CephErrors.SnapshotNotFound(pool, volume, snapshot), cancellationToken);
    }

    /// <summary>Rolls a volume back to a snapshot (<c>rbd snap rollback</c>): what was written since is lost.</summary>
    /// <exception cref="PvcException">NotFound: "SnapshotNotFound".</exception>
    public Task RollbackSnapshotAsync(string pool, string volume, string snapshot, CancellationToken cancellationToken = default) =>
        OnSnapshotAsync(pool, volume, snapshot, "rolling back to snapshot", RbdNative.rbd_snap_rollback,
            CephErrors.NotFound, () => CephErrors.SnapshotNotFound(pool, volume, snapshot), cancellationToken);

    /// <summary>Takes a snapshot of a volume (<c>rbd snap create</c>).</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidSnapshotName".</exception>
    /// <exception cref="PvcException">AlreadyExists: "SnapshotExists".</exception>
    public Task CreateSnapshotAsync(string pool, string volume, string snapshot, CancellationToken cancellationToken = default) =>
        OnSnapshotAsync(pool, volume, snapshot, "taking snapshot", RbdNative.rbd_snap_create,
            CephErrors.Exists, () => CephErrors.SnapshotExists(pool, volume, snapshot), cancellationToken);

    /// <summary>Removes a snapshot (<c>rbd snap rm</c>).</summary>
    /// <exception cref="PvcException">NotFound: "SnapshotNotFound".</exception>
    public Task RemoveSnapshotAsync(string pool, string volume, string snapshot, CancellationToken cancellationToken = default) =>
        OnSnapshotAsync(pool, volume, snapshot, "removing snapshot", RbdNative.rbd_snap_remove,
            CephErrors.NotFound, () => CephErrors.SnapshotNotFound(pool, volume, snapshot), cancellationToken);

    private Task OnSnapshotAsync(string pool, string volume, string snapshot, string operation, Func<RbdImageHandle, string, int> call,
        int expectedErrno, Func<Exception> expectedError, CancellationToken cancellationToken)
    {
        Validate(pool, volume);
        SnapshotName.Validate(snapshot);
        return InPoolAsync(pool, io =>
        {
            using var image = Open(io, pool, volume);
            var result = call(image, snapshot);
            if (result == -expectedErrno)
                throw expectedError();
            RadosCluster.Check(result, operation, $"{pool}/{volume}@{snapshot}");
            return true;
        }, cancellationToken);
    }

    /// <summary>A volume's snapshots, oldest first (<c>rbd snap ls</c>).</summary>
    public Task<IReadOnlyList<RbdSnapshotInfo>> ListSnapshotsAsync(string pool, string volume, CancellationToken cancellationToken = default)
    {
        Validate(pool, volume);
        return InPoolAsync<IReadOnlyList<RbdSnapshotInfo>>(pool, io =>
        {
            using var image = Open(io, pool, volume);
            return Snapshots(image, pool, volume);
        }, cancellationToken);
    }

    private static unsafe List<RbdSnapshotInfo> Snapshots(RbdImageHandle image, string pool, string volume)
    {
        var max = 16;
        while (true)
        {
            // librbd writes max+1 entries (a terminating one) and needs them for rbd_snap_list_end
            var snaps = new RbdNative.RbdSnapInfo[max + 1];
            fixed (RbdNative.RbdSnapInfo* p = snaps)
            {
                var count = RbdNative.rbd_snap_list(image, p, ref max);
                if (count == -CephErrors.Range)
                    continue;
                RadosCluster.Check(count, "listing snapshots", $"{pool}/{volume}");
                try
                {
                    var list = new List<RbdSnapshotInfo>(count);
                    for (var i = 0; i < count; i++)
                    {
                        var name = Marshal.PtrToStringUTF8(p[i].Name) ?? "";
                        RadosCluster.Check(RbdNative.rbd_snap_is_protected(image, name, out var isProtected), "reading snapshot", $"{pool}/{volume}@{name}");
                        list.Add(new RbdSnapshotInfo(name, (long)p[i].Id, (long)p[i].Size, isProtected != 0));
                    }
                    return list;
                }
                finally
                {
                    RbdNative.rbd_snap_list_end(p);
                }
            }
        }
    }

    /// <summary>
    /// A volume's protected snapshots that have clones (child images, as <c>rbd children pool/volume@snapshot</c>), each
    /// with its clones ("pool/image"); none when no clone depends on the volume.
    /// </summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound", "VolumeNotFound".</exception>
    public Task<IReadOnlyList<RbdSnapshotClones>> SnapshotClonesAsync(string pool, string volume, CancellationToken cancellationToken = default)
    {
        Validate(pool, volume);
        return InPoolAsync<IReadOnlyList<RbdSnapshotClones>>(pool, io =>
        {
            using var image = Open(io, pool, volume);
            return ProtectedWithClones(io, pool, volume, Snapshots(image, pool, volume));
        }, cancellationToken);
    }

    private static List<RbdSnapshotClones> ProtectedWithClones(IoContextHandle io, string pool, string volume, IEnumerable<RbdSnapshotInfo> snapshots) =>
        [.. snapshots.Where(s => s.Protected).Select(s => new RbdSnapshotClones(s.Name, Clones(io, pool, volume, s.Name))).Where(c => c.Clones.Count > 0)];

    private static unsafe List<string> Clones(IoContextHandle io, string pool, string volume, string snapshot)
    {
        var opened = RbdNative.rbd_open_read_only(io, volume, out var image, snapshot);
        using (image)
        {
            RadosCluster.Check(opened, "opening snapshot", $"{pool}/{volume}@{snapshot}");
            return ListGrowing<RbdNative.RbdLinkedImageSpec>(image, RbdNative.rbd_list_children3, RbdNative.rbd_linked_image_spec_list_cleanup,
                c => $"{Marshal.PtrToStringUTF8(c.PoolName)}/{Marshal.PtrToStringUTF8(c.ImageName)}{(c.Trash != 0 ? " (in the trash)" : "")}",
                "listing the snapshot's clones", $"{pool}/{volume}@{snapshot}");
        }
    }

    /// <summary>The addresses of the clients that have the image open (its header's watchers, as <c>rbd status</c>).</summary>
    internal static unsafe List<string> Watchers(IoContextHandle io, string pool, string volume)
    {
        var opened = RbdNative.rbd_open_read_only(io, volume, out var image, null);
        using (image)
        {
            if (opened == -CephErrors.NotFound)
                throw CephErrors.VolumeNotFound(pool, volume);
            RadosCluster.Check(opened, "opening volume", $"{pool}/{volume}");
            return ListGrowing<RbdNative.RbdImageWatcher>(image, RbdNative.rbd_watchers_list, RbdNative.rbd_watchers_list_cleanup,
                w => Marshal.PtrToStringUTF8(w.Address) ?? "", "listing the volume's watchers", $"{pool}/{volume}");
        }
    }

    private unsafe delegate int ListCall<T>(RbdImageHandle image, T* entries, ref nuint count) where T : unmanaged;

    private unsafe delegate void ListCleanup<T>(T* entries, nuint count) where T : unmanaged;

    /// <summary>
    /// Calls a librbd list function that fills an array of <typeparamref name="T"/> and answers -ERANGE, with the count it
    /// needs, when the array is too small: grows the array to that count and calls again; each entry is described while
    /// librbd still owns its strings, then <paramref name="cleanup"/> frees them.
    /// </summary>
    private static unsafe List<string> ListGrowing<T>(RbdImageHandle image, ListCall<T> call, ListCleanup<T> cleanup, Func<T, string> describe,
        string operation, string target) where T : unmanaged
    {
        nuint count = 8;
        while (true)
        {
            var entries = new T[(int)count];
            fixed (T* p = entries)
            {
                var result = call(image, p, ref count);
                if (result == -CephErrors.Range)
                    continue;
                RadosCluster.Check(result, operation, target);
                try
                {
                    return [.. entries.Take((int)count).Select(describe)];
                }
                finally
                {
                    cleanup(p, count);
                }
            }
        }
    }

    /// <summary>Opens an image (at a snapshot when given); "VolumeNotFound" when the pool has none of that name.</summary>
    internal static RbdImageHandle Open(IoContextHandle io, string pool, string volume, string? snapshot = null)
    {
        var result = RbdNative.rbd_open(io, volume, out var image, snapshot);
        if (result == -CephErrors.NotFound)
        {
            image.Dispose();
            throw snapshot is null ? CephErrors.VolumeNotFound(pool, volume) : CephErrors.SnapshotNotFound(pool, volume, snapshot);
        }
        if (result < 0)
        {
            image.Dispose();
            RadosCluster.Check(result, "opening volume", $"{pool}/{volume}");
        }
        return image;
    }

    private Task<T> InPoolAsync<T>(string pool, Func<IoContextHandle, T> work, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var io = cluster.OpenPool(pool);
            return work(io);
        }, cancellationToken);

    private static void Validate(string pool, string volume)
    {
        PoolName.Validate(pool);
        VolumeName.Validate(volume);
    }
}
