using System.Runtime.InteropServices;

namespace Pvc.NodeService.Ceph.Native;

/// <summary>
/// The part of librbd's C API (librbd.so.1, Ceph 16) the node service uses: images and their snapshots in a pool's
/// I/O context. Raw and unchecked, as <see cref="RadosNative"/>; <see cref="RbdImages"/> checks every result.
/// </summary>
internal static unsafe partial class RbdNative
{
    private const string Lib = "librbd.so.1";

    /// <summary>RBD_MAX_BLOCK_NAME_SIZE.</summary>
    internal const int MaxBlockNameSize = 24;

    /// <summary>RBD_MAX_IMAGE_NAME_SIZE.</summary>
    internal const int MaxImageNameSize = 96;

    [LibraryImport(Lib)]
    internal static partial void rbd_image_options_create(out IntPtr options);

    [LibraryImport(Lib)]
    internal static partial void rbd_image_options_destroy(IntPtr options);

    /// <summary>Creates an image with the cluster's default format and features (as <c>rbd create</c> does).</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rbd_create4(IoContextHandle io, string name, ulong size, IntPtr options);

    /// <summary>Fills <paramref name="names"/> with NUL-terminated names; -ERANGE with the size needed in <paramref name="size"/>.</summary>
    [LibraryImport(Lib)]
    internal static partial int rbd_list(IoContextHandle io, byte* names, ref nuint size);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rbd_remove(IoContextHandle io, string name);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rbd_open(IoContextHandle io, string name, out RbdImageHandle image, string? snapName);

    [LibraryImport(Lib)]
    internal static partial int rbd_close(IntPtr image);

    [LibraryImport(Lib)]
    internal static partial int rbd_resize(RbdImageHandle image, ulong size);

    [LibraryImport(Lib)]
    internal static partial int rbd_stat(RbdImageHandle image, out RbdImageStat info, nuint infoSize);

    [LibraryImport(Lib)]
    internal static partial int rbd_get_id(RbdImageHandle image, byte* id, nuint idLength);

    [LibraryImport(Lib)]
    internal static partial int rbd_get_features(RbdImageHandle image, out ulong features);

    [LibraryImport(Lib)]
    internal static partial int rbd_get_create_timestamp(RbdImageHandle image, out Timespec timestamp);

    [LibraryImport(Lib)]
    internal static partial int rbd_get_access_timestamp(RbdImageHandle image, out Timespec timestamp);

    [LibraryImport(Lib)]
    internal static partial int rbd_get_modify_timestamp(RbdImageHandle image, out Timespec timestamp);

    [LibraryImport(Lib)]
    internal static partial int rbd_get_op_features(RbdImageHandle image, out ulong opFeatures);

    [LibraryImport(Lib)]
    internal static partial int rbd_get_flags(RbdImageHandle image, out ulong flags);

    /// <summary>Writes <paramref name="length"/> bytes at <paramref name="offset"/>; returns the bytes written or -errno.</summary>
    [LibraryImport(Lib)]
    internal static partial nint rbd_write(RbdImageHandle image, ulong offset, nuint length, byte* buffer);

    /// <summary>Zeroes a range (Ceph 15+); 0 or -errno.</summary>
    [LibraryImport(Lib)]
    internal static partial int rbd_write_zeroes(RbdImageHandle image, ulong offset, nuint length, int zeroFlags, int opFlags);

    /// <summary>Waits until every write is on the OSDs.</summary>
    [LibraryImport(Lib)]
    internal static partial int rbd_flush(RbdImageHandle image);

    /// <summary>Renames an image within its pool (<c>rbd rename</c>).</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rbd_rename(IoContextHandle io, string source, string destination);

    /// <summary>Copies an image's data into a new image (<c>rbd copy</c>).</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rbd_copy(RbdImageHandle image, IoContextHandle destinationIo, string destination);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rbd_snap_rename(RbdImageHandle image, string source, string destination);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rbd_snap_rollback(RbdImageHandle image, string snapName);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rbd_snap_create(RbdImageHandle image, string snapName);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rbd_snap_remove(RbdImageHandle image, string snapName);

    /// <summary>Returns the number of snapshots, or -ERANGE with the number needed in <paramref name="maxSnaps"/>.</summary>
    [LibraryImport(Lib)]
    internal static partial int rbd_snap_list(RbdImageHandle image, RbdSnapInfo* snaps, ref int maxSnaps);

    [LibraryImport(Lib)]
    internal static partial void rbd_snap_list_end(RbdSnapInfo* snaps);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rbd_snap_is_protected(RbdImageHandle image, string snapName, out int isProtected);

    /// <summary>rbd_image_info_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct RbdImageStat
    {
        public ulong Size;
        public ulong ObjectSize;
        public ulong ObjectCount;
        public int Order;
        public fixed byte BlockNamePrefix[MaxBlockNameSize];
        public long ParentPool;
        public fixed byte ParentName[MaxImageNameSize];
    }

    /// <summary>rbd_snap_info_t: the name is librbd's until <see cref="rbd_snap_list_end"/>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct RbdSnapInfo
    {
        public ulong Id;
        public ulong Size;
        public IntPtr Name;
    }

    /// <summary>struct timespec on Linux x86-64.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
