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

    private ChildProcessHandle(int fd, int pid)
    {
        _fd = fd;
        Pid = pid;
    }

    /// <summary>The process's PID.</summary>
    public int Pid { get; }

    /// <summary>
    /// A handle on the child <paramref name="pid"/> that was just started; null when it has already ended (a zombie not
    /// reaped yet, or reaped, its PID then maybe another's): the pidfd names a process that is still running and is this
    /// process's child.
    /// </summary>
    public static ChildProcessHandle? Open(int pid)
    {
        var fd = pidfd_open(pid, 0);
        if (fd < 0)
            return null;
        // the parent is read while the pidfd's process runs (checked after: a pidfd becomes readable once its process
        // ended), so it is that process's and not the one of a later process given the same PID
        var child = ParentOf(pid) == Environment.ProcessId;
        var pollfd = new PollFd { Fd = fd, Events = PollIn };
        if (!child || poll(ref pollfd, 1, 0) != 0)
        {
            _ = close(fd);
            return null;
        }
        return new ChildProcessHandle(fd, pid);
    }

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ...", comm may hold spaces and parentheses
            var stat = File.ReadAllText($"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return -1;
        }
    }

    /// <summary>Sends SIGHUP to the process; false when it has ended (or the handle was closed).</summary>
    public bool Hangup()
    {
        lock (_lock)
            return _fd >= 0 && pidfd_send_signal(_fd, SigHup, IntPtr.Zero, 0) == 0;
    }

    /// <summary>
    /// Sends SIGHUP (<see cref="Hangup"/>) only once the process wrote its PID to <paramref name="pidFile"/>: a daemon
    /// such as dnsmasq writes it after it installed its signal handlers, and before that SIGHUP would end it. False when
    /// not sent (the file missing or holding another PID, or the process ended): the caller starts the process again.
    /// </summary>
    public bool HangupOnceStarted(string pidFile)
    {
        try
        {
            if (!int.TryParse(File.ReadAllText(pidFile).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) || pid != Pid)
                return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        return Hangup();
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

    private const short PollIn = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(ref PollFd fds, nuint count, int timeout);
}
