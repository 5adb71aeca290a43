using System.Runtime.InteropServices;

namespace Pvc.NodeService.Networks;

/// <summary>
/// A pidfd of a process this service started (Linux 5.3, glibc 2.36), taken as soon as it started: signals go to that
/// process and never to another that reuses its PID once it ended (a PID kept as a number, or read from a pid file that
/// others can write, could name someone else's process by then).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class ChildProcessHandle : IDisposable
{
    private const int SigHup = 1;
    private readonly Lock _lock = new();
    private int _fd;

    private ChildProcessHandle(int fd) => _fd = fd;

    /// <summary>A handle on the child <paramref name="pid"/> that was just started; null when it has already ended and was reaped.</summary>
    public static ChildProcessHandle? Open(int pid)
    {
        var fd = pidfd_open(pid, 0);
        return fd < 0 ? null : new ChildProcessHandle(fd);
    }

    /// <summary>Sends SIGHUP to the process; false when it has ended (or the handle was closed).</summary>
    public bool Hangup()
    {
        lock (_lock)
            return _fd >= 0 && pidfd_send_signal(_fd, SigHup, IntPtr.Zero, 0) == 0;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            if (_fd >= 0)
                _ = close(_fd);
            _fd = -1;
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pidfd_open(int pid, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pidfd_send_signal(int pidfd, int signal, IntPtr info, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
