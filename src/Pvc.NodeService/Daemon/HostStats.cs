using System.Globalization;

namespace Pvc.NodeService.Daemon;

/// <summary>The host's load and memory: from /proc on a real host; a test-driver host's memory is what libvirt says, used by its VMs.</summary>
internal static class HostStats
{
    public static double LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return Math.Round(double.Parse(text, CultureInfo.InvariantCulture), 2);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>(total, used, free) MiB of the real host, from /proc/meminfo (free = MemAvailable, as psutil).</summary>
    public static (long Total, long Used, long Free) Memory()
    {
        long total = 0, available = 0;
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2)
                continue;
            if (parts[0] == "MemTotal:")
                total = long.Parse(parts[1], CultureInfo.InvariantCulture) / 1024;
            else if (parts[0] == "MemAvailable:")
                available = long.Parse(parts[1], CultureInfo.InvariantCulture) / 1024;
        }
        return (total, total - available, available);
    }
}
