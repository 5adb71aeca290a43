using System.Runtime.InteropServices;

namespace Pvc.NodeService.Ceph.Native;

/// <summary>
/// The part of librados' C API (librados.so.2, Ceph 16) the node service uses, source-generated with
/// <see cref="LibraryImportAttribute"/>. Raw and unchecked: <see cref="RadosCluster"/> checks every result (a negative
/// errno) and turns it into a typed error. Calls block; callers run them off the caller's thread.
/// </summary>
/// <remarks>
/// Memory rules: a <c>char*</c> that librados fills for us (mon command output) is freed with
/// <see cref="rados_buffer_free"/>; strings we pass are UTF-8 copies the marshaller frees.
/// </remarks>
internal static unsafe partial class RadosNative
{
    private const string Lib = "librados.so.2";

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rados_create2(out RadosClusterHandle cluster, string clusterName, string name, ulong flags);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rados_conf_read_file(RadosClusterHandle cluster, string path);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rados_conf_set(RadosClusterHandle cluster, string option, string value);

    [LibraryImport(Lib)]
    internal static partial int rados_connect(RadosClusterHandle cluster);

    [LibraryImport(Lib)]
    internal static partial void rados_shutdown(IntPtr cluster);

    /// <summary>
    /// Sends a command (JSON, one or more strings) to the monitors; <paramref name="outbuf"/> gets the command's output
    /// (JSON when asked for), <paramref name="outs"/> its status text; both are freed with <see cref="rados_buffer_free"/>.
    /// </summary>
    [LibraryImport(Lib)]
    internal static partial int rados_mon_command(RadosClusterHandle cluster, byte** cmd, nuint cmdlen, byte* inbuf, nuint inbuflen,
        out IntPtr outbuf, out nuint outbuflen, out IntPtr outs, out nuint outslen);

    /// <summary>Sends a command to the active manager (<c>osd status</c>, ...); output and status as <see cref="rados_mon_command"/>.</summary>
    [LibraryImport(Lib)]
    internal static partial int rados_mgr_command(RadosClusterHandle cluster, byte** cmd, nuint cmdlen, byte* inbuf, nuint inbuflen,
        out IntPtr outbuf, out nuint outbuflen, out IntPtr outs, out nuint outslen);

    [LibraryImport(Lib)]
    internal static partial void rados_buffer_free(IntPtr buffer);

    /// <summary>A pool's object and I/O counters (what <c>rados df</c> prints).</summary>
    [LibraryImport(Lib)]
    internal static partial int rados_ioctx_pool_stat(IoContextHandle io, out RadosPoolStat stats);

    /// <summary>struct rados_pool_stat_t (Ceph 16).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct RadosPoolStat
    {
        public ulong Bytes;
        public ulong KiB;
        public ulong Objects;
        public ulong ObjectClones;
        public ulong ObjectCopies;
        public ulong ObjectsMissingOnPrimary;
        public ulong ObjectsUnfound;
        public ulong ObjectsDegraded;
        public ulong ReadOps;
        public ulong ReadKiB;
        public ulong WriteOps;
        public ulong WriteKiB;
        public ulong UserBytes;
        public ulong CompressedBytesOriginal;
        public ulong CompressedBytes;
        public ulong CompressedBytesAllocated;
    }

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rados_ioctx_create(RadosClusterHandle cluster, string poolName, out IntPtr ioctx);

    [LibraryImport(Lib)]
    internal static partial void rados_ioctx_destroy(IntPtr ioctx);
}
