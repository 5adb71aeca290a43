using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Pvc.Core.Errors;

namespace Pvc.NodeService.Storage;

/// <summary>
/// An image file an upload reads on this node, opened once: the path (already checked by VolumeUploadRequest) is opened
/// read-only (a symbolic link being followed) and the open file must be a regular file; a directory, device, FIFO or
/// socket is refused (the open does not block on a FIFO: O_NONBLOCK). Every later step reads this open file, never the
/// path again: the raw bytes through <see cref="Handle"/>, qemu-img through <see cref="DescriptorPath"/> (the kernel's
/// /proc/&lt;pid&gt;/fd/&lt;n&gt; link, which opens the same file whatever the path names by then). So a file swapped in
/// at the path after the checks (a qcow2 with a backing file, another file altogether) is not what the upload reads.
/// </summary>
internal sealed partial class ImageFile : IDisposable
{
    private const uint TypeMask = 0xF000; // S_IFMT
    private const uint Regular = 0x8000; // S_IFREG
    private const int StatBytes = 144; // sizeof(struct stat) on Linux x86-64
    private const int ModeOffset = 24; // st_mode
    private const int SizeOffset = 48; // st_size
    private const int ReadOnly = 0; // O_RDONLY
    private const int NoControllingTerminal = 0x100; // O_NOCTTY
    private const int NonBlocking = 0x800; // O_NONBLOCK
    private const int CloseOnExec = 0x80000; // O_CLOEXEC

    private ImageFile(string path, SafeFileHandle handle, long length)
    {
        Path = path;
        Handle = handle;
        Length = length;
    }

    /// <summary>The path it was opened by (for messages only).</summary>
    public string Path { get; }

    /// <summary>The open file.</summary>
    public SafeFileHandle Handle { get; }

    /// <summary>Its size in bytes when it was opened.</summary>
    public long Length { get; }

    /// <summary>
    /// The path by which another process of this host (qemu-img) opens this same open file: /proc/&lt;this
    /// process&gt;/fd/&lt;descriptor&gt;. It has no ':' (qemu-img reads no protocol from it).
    /// </summary>
    public string DescriptorPath => string.Create(CultureInfo.InvariantCulture, $"/proc/{Environment.ProcessId}/fd/{Handle.DangerousGetHandle()}");

    /// <summary>A tool's message about <see cref="DescriptorPath"/>, with the path the client gave in its place.</summary>
    public string Named(string message) => (message ?? "").Replace(DescriptorPath, Path, StringComparison.Ordinal);

    /// <summary>Opens the regular file at <paramref name="path"/>.</summary>
    /// <exception cref="PvcException">NotFound: "ImageNotFound".</exception>
    public static unsafe ImageFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fd = open(path, ReadOnly | NoControllingTerminal | NonBlocking | CloseOnExec);
        if (fd < 0)
            throw NotFound(path, $"it does not exist on this node or cannot be read (errno {Marshal.GetLastPInvokeError()})");
        var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
        try
        {
            var buffer = stackalloc byte[StatBytes];
            if (fstat(fd, buffer) != 0)
                throw NotFound(path, $"it cannot be read (errno {Marshal.GetLastPInvokeError()})");
            var mode = *(uint*)(buffer + ModeOffset);
            if ((mode & TypeMask) != Regular)
                throw NotFound(path, "it is no regular file (a directory, device, FIFO or socket)");
            return new ImageFile(path, handle, *(long*)(buffer + SizeOffset));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Handle.Dispose();

    private static PvcException NotFound(string path, string why) =>
        new(PvcErrorKind.NotFound, PvcErrorIds.ImageNotFound,
            $"Image file '{path}' cannot be uploaded: {why}. The path is read on the node that runs the upload (-Node, the primary by default).") { Target = path };

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static unsafe partial int fstat(int fd, byte* buffer);
}
