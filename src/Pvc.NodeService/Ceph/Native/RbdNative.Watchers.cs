using System.Runtime.InteropServices;

namespace Pvc.NodeService.Ceph.Native;

// what `rbd status` shows: the clients that watch an image's header (every client that has it open read-write), read
// through an image opened read-only, which adds no watch of its own
internal static unsafe partial class RbdNative
{
    /// <summary>rbd_image_watcher_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct RbdImageWatcher
    {
        public IntPtr Address;
        public long Id;
        public ulong Cookie;
    }

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rbd_open_read_only(IoContextHandle io, string name, out RbdImageHandle image, string? snapName);

    /// <summary>Fills up to <paramref name="count"/> watchers; -ERANGE with the number needed in <paramref name="count"/>.</summary>
    [LibraryImport(Lib)]
    internal static partial int rbd_watchers_list(RbdImageHandle image, RbdImageWatcher* watchers, ref nuint count);

    [LibraryImport(Lib)]
    internal static partial void rbd_watchers_list_cleanup(RbdImageWatcher* watchers, nuint count);
}
