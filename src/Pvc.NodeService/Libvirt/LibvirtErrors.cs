using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pvc.NodeService.Libvirt;

/// <summary>
/// libvirt's process-wide set-up and its error reporting: <see cref="EnsureInitialized"/> runs
/// <c>virInitialize</c>, installs a no-op global error handler (without it libvirt prints every error to stderr)
/// and starts the event loop (<see cref="LibvirtEventLoop"/>), once; <see cref="Throw"/> turns the calling thread's last libvirt error into a <see cref="LibvirtException"/>.
/// </summary>
internal static unsafe class LibvirtErrors
{
    private static readonly Lock InitLock = new();
    private static bool initialized;

    /// <summary>Initializes libvirt for use from many threads, silences its stderr printing and starts its event loop. Idempotent.</summary>
    public static void EnsureInitialized()
    {
        if (Volatile.Read(ref initialized))
            return;
        lock (InitLock)
        {
            if (initialized)
                return;
            if (LibvirtNative.virInitialize() < 0)
                Throw("virInitialize");
            LibvirtNative.virSetErrorFunc(IntPtr.Zero, &IgnoreError);
            LibvirtEventLoop.Start();
            Volatile.Write(ref initialized, true);
        }
    }

    /// <summary>
    /// Throws the calling thread's last libvirt error. Call it straight after the failing call, on the same
    /// thread, with no other libvirt call and no <c>await</c> in between: the error is thread-local and the next
    /// libvirt call resets it.
    /// </summary>
    /// <param name="operation">The libvirt function that failed.</param>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Throw(string operation) => throw Create(operation);

    /// <summary>Builds the exception for the calling thread's last libvirt error (see <see cref="Throw"/>).</summary>
    /// <param name="operation">The libvirt function that failed.</param>
    public static LibvirtException Create(string operation)
    {
        // virGetLastError's result belongs to libvirt (thread-local storage): read it, never free it.
        LibvirtNative.VirError* error = LibvirtNative.virGetLastError();
        if (error == null)
            return new LibvirtException(operation, LibvirtErrorCode.Ok, 0, null);
        string? message = error->Message == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(error->Message);
        return new LibvirtException(operation, (LibvirtErrorCode)error->Code, error->Domain, message);
    }

    /// <summary>libvirt's global error callback: the error is read by <see cref="Create"/>, nothing is printed.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void IgnoreError(IntPtr userData, IntPtr error)
    {
    }
}
