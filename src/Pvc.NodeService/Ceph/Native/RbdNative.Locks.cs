using System.Runtime.InteropServices;

namespace Pvc.NodeService.Ceph.Native;

// the calls `rbd lock ls` and `rbd lock rm` make: librbd's advisory locks, the exclusive-lock feature's managed lock
// among them (both are cls_lock locks on the image's header)
internal static unsafe partial class RbdNative
{
    /// <summary>
    /// The image's lockers: NUL-separated client names, cookies and addresses in three buffers; returns their number, or
    /// -ERANGE with every length set to what it needs.
    /// </summary>
    [LibraryImport(Lib)]
    internal static partial nint rbd_list_lockers(RbdImageHandle image, out int exclusive, byte* tag, ref nuint tagLength,
        byte* clients, ref nuint clientsLength, byte* cookies, ref nuint cookiesLength, byte* addresses, ref nuint addressesLength);

    /// <summary>Releases another client's lock on the image (<c>rbd lock rm</c>).</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rbd_break_lock(RbdImageHandle image, string client, string cookie);
}
