using System.Runtime.InteropServices;

namespace Pvc.NodeService.Ceph.Native;

// what `rbd children` and `rbd snap unprotect` do: a protected snapshot's clones (child images), and its unprotection
internal static unsafe partial class RbdNative
{
    /// <summary>rbd_linked_image_spec_t (Ceph 14 and later): the strings are librbd's until <see cref="rbd_linked_image_spec_list_cleanup"/>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct RbdLinkedImageSpec
    {
        public long PoolId;
        public IntPtr PoolName;
        public IntPtr PoolNamespace;
        public IntPtr ImageId;
        public IntPtr ImageName;
        public byte Trash;
    }

    /// <summary>
    /// The children of the snapshot the image is open at; -ERANGE with the number needed in <paramref name="maxImages"/>,
    /// else the number written there.
    /// </summary>
    [LibraryImport(Lib)]
    internal static partial int rbd_list_children3(RbdImageHandle image, RbdLinkedImageSpec* images, ref nuint maxImages);

    [LibraryImport(Lib)]
    internal static partial void rbd_linked_image_spec_list_cleanup(RbdLinkedImageSpec* images, nuint count);

    /// <summary>Unprotects a snapshot; -EBUSY while it has clones.</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rbd_snap_unprotect(RbdImageHandle image, string snapName);
}
