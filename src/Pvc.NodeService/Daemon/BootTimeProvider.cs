using System.Runtime.InteropServices;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// Timestamps on Linux's CLOCK_BOOTTIME: monotonic, counting from boot, suspended time included, and the same for
/// every process of this boot. Stopwatch's clock (CLOCK_MONOTONIC) stops while the host is suspended, and a node
/// that slept through its silence must count it; both survive a restart of the service, which is what lets the
/// keepalive clock's stamp (<see cref="KeepaliveClock"/>) be read by the next process.
/// </summary>
internal sealed partial class BootTimeProvider : TimeProvider
{
    private const int ClockBoottime = 7;

    /// <inheritdoc />
    public override long TimestampFrequency => 1_000_000_000;

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        if (clock_gettime(ClockBoottime, out var now) != 0)
            throw new InvalidOperationException($"clock_gettime(CLOCK_BOOTTIME) failed with errno {Marshal.GetLastPInvokeError()}.");
        return (now.Seconds * 1_000_000_000) + now.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int clock_gettime(int clock, out TimeSpec time);
}
