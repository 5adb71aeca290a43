using System.Runtime.InteropServices;

namespace Pvc.NodeService.Libvirt;

// libvirt's secrets: the Ceph key QEMU authenticates its RBD disks with, held by libvirt, never in a domain's XML
internal static unsafe partial class LibvirtNative
{
    /// <summary>Defines (or redefines, by UUID) a secret; an owned <c>virSecretPtr</c>, <see cref="IntPtr.Zero"/> on failure.</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr virSecretDefineXML(ConnectionHandle conn, string xml, uint flags);

    /// <summary>Sets a secret's value (raw bytes; for a Ceph secret the decoded key).</summary>
    [LibraryImport(Lib)]
    internal static partial int virSecretSetValue(IntPtr secret, byte* value, nuint valueSize, uint flags);

    [LibraryImport(Lib)]
    internal static partial int virSecretFree(IntPtr secret);
}
