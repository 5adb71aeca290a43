using System.Runtime.InteropServices;
using Pvc.Core.Errors;

namespace Pvc.NodeService.Storage;

/// <summary>
/// An image file an upload reads on this node: the path (already checked by VolumeUploadRequest) must name a regular
/// file, a symbolic link being followed. A directory, device, FIFO or socket is refused before anything opens it (a
/// FIFO would block the open; a device is no image).
/// </summary>
internal static partial class ImageFile
{
    private const uint TypeMask = 0xF000; // S_IFMT
    private const uint Regular = 0x8000; // S_IFREG
    private const int StatBytes = 144; // sizeof(struct stat) on Linux x86-64
    private const int ModeOffset = 24; // st_mode
    private const int SizeOffset = 48; // st_size

    /// <summary>The size of the regular file at <paramref name="path"/>.</summary>
    /// <exception cref="PvcException">NotFound: "ImageNotFound".</exception>
    public static unsafe long RequireRegular(string path)
    {
        var buffer = stackalloc byte[StatBytes];
        if (stat(path, buffer) != 0)
            throw NotFound(path, $"it does not exist on this node or cannot be read (errno {Marshal.GetLastPInvokeError()})");
        var mode = *(uint*)(buffer + ModeOffset);
        if ((mode & TypeMask) != Regular)
            throw NotFound(path, "it is no regular file (a directory, device, FIFO or socket)");
        return *(long*)(buffer + SizeOffset);
    }

    private static PvcException NotFound(string path, string why) =>
        new(PvcErrorKind.NotFound, PvcErrorIds.ImageNotFound,
            $"Image file '{path}' cannot be uploaded: {why}. The path is read on the node that runs the upload (-Node, the primary by default).") { Target = path };

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int stat(string path, byte* buffer);
}
