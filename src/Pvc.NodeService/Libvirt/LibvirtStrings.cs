using System.Runtime.InteropServices;

namespace Pvc.NodeService.Libvirt;

/// <summary>Copies strings libvirt hands over.</summary>
internal static unsafe class LibvirtStrings
{
    /// <summary>Copies an owned, NUL-terminated UTF-8 <c>char*</c> that libvirt allocated, then frees it (libc free).</summary>
    /// <param name="owned">A non-null pointer the caller owns; it is invalid afterwards.</param>
    public static string TakeOwned(IntPtr owned)
    {
        try
        {
            return Marshal.PtrToStringUTF8(owned)!;
        }
        finally
        {
            NativeMemory.Free((void*)owned);
        }
    }
}
