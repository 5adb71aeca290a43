using System.Runtime.InteropServices;
using CliWrap;
using CliWrap.Buffered;

namespace Pvc.NodeService.Ceph.Osds;

/// <summary>
/// Whether a block device is in use by anything an OSD's zap would destroy (rev14 P2-7): a signature the kernel's
/// probe finds on it (a filesystem, a BlueStore label, an LVM physical volume, an md member: <c>blkid -p</c>, which
/// reads the device itself rather than udev's cache), a holder (a dm or md device on top of it, under
/// <c>/sys/class/block/&lt;name&gt;/holders</c>), or an exclusive opener (a mounted filesystem: <c>open(O_EXCL)</c>
/// fails with EBUSY).
/// </summary>
internal static partial class BlockDeviceUse
{
    private const int ReadOnly = 0;
    private const int Exclusive = 0x80;
    private const int Busy = 16;

    /// <summary>What uses the device, in words; null when nothing does.</summary>
    /// <param name="device">A block device path under /dev (already checked by the caller).</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    public static async Task<string?> DescribeAsync(string device, CancellationToken cancellationToken)
    {
        var real = new FileInfo(device).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? device;
        var holders = Path.Combine("/sys/class/block", Path.GetFileName(real), "holders");
        if (Directory.Exists(holders) && Directory.EnumerateFileSystemEntries(holders).Select(Path.GetFileName).ToList() is { Count: > 0 } held)
            return $"held by {string.Join(", ", held)}";
        var fd = open(real, ReadOnly | Exclusive);
        if (fd < 0)
        {
            if (Marshal.GetLastPInvokeError() == Busy)
                return "open exclusively by another user, such as a mount";
        }
        else
        {
            _ = close(fd);
        }
        // blkid exits 2 when it finds no signature; a signature prints TYPE= (or PTTYPE= for a partition table)
        var probe = await Cli.Wrap("/usr/sbin/blkid").WithArguments(["-p", "-o", "export", real])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        if (probe.ExitCode == 0)
        {
            var fields = probe.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(l => l.StartsWith("TYPE=", StringComparison.Ordinal) || l.StartsWith("PTTYPE=", StringComparison.Ordinal))
                .ToList();
            return fields.Count > 0 ? $"signature {string.Join(", ", fields)}" : "a signature blkid recognises";
        }
        return null;
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);
}
