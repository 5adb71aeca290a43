using System.Diagnostics;
using System.Globalization;
using Pvc.Core.Nodes;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// PVC's netstats: the traffic of every physical interface (one with a <c>device</c> in sysfs) as bits and packets a
/// second. PVC samples each interface every second and averages the last keepalive interval; the same average is the
/// difference between two keepalives' counters over the time between them, so this reads sysfs once a keepalive.
/// (PVC's packet rates are 8 times too high: it multiplies packets by 8 as it does bytes. These are not.)
/// </summary>
internal sealed class InterfaceRates(string sysClassNet = "/sys/class/net")
{
    private readonly Dictionary<string, (long RxBytes, long TxBytes, long RxPackets, long TxPackets, long At)> _last = new(StringComparer.Ordinal);

    /// <summary>The rates since the last sample; an interface seen for the first time has none yet (left out, as PVC's until its average is valid).</summary>
    public IReadOnlyList<NodeInterfaceStats> Sample()
    {
        var now = Stopwatch.GetTimestamp();
        var result = new List<NodeInterfaceStats>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string[] interfaces;
        try
        {
            interfaces = Directory.GetDirectories(sysClassNet).Concat(Directory.GetFiles(sysClassNet)).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        foreach (var name in interfaces)
        {
            var folder = Path.Combine(sysClassNet, name);
            if (!Directory.Exists(Path.Combine(folder, "device")))
                continue; // not a physical interface (a bridge, a tap, a VXLAN)
            try
            {
                var counters = (Read(folder, "statistics/rx_bytes"), Read(folder, "statistics/tx_bytes"), Read(folder, "statistics/rx_packets"), Read(folder, "statistics/tx_packets"), now);
                seen.Add(name);
                if (_last.TryGetValue(name, out var before) && now > before.At)
                {
                    var seconds = Stopwatch.GetElapsedTime(before.At, now).TotalSeconds;
                    long Rate(long from, long to, int scale) => to >= from ? (long)((to - from) * scale / seconds) : 0;
                    // speed is in Mb/s; a link without one (down, or virtual) has none to tell (EINVAL)
                    var speed = TryRead(folder, "speed") is { } mbps && mbps > 0 ? mbps * 1_000_000 : 0;
                    var state = TryText(folder, "operstate") ?? "unknown";
                    result.Add(new NodeInterfaceStats(name, Rate(before.RxBytes, counters.Item1, 8), Rate(before.RxPackets, counters.Item3, 1),
                        Rate(before.TxBytes, counters.Item2, 8), Rate(before.TxPackets, counters.Item4, 1), speed, state));
                }
                _last[name] = counters;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // gone while read (unplugged): it is left out
            }
        }
        foreach (var gone in _last.Keys.Where(k => !seen.Contains(k)).ToList())
            _last.Remove(gone);
        return result;
    }

    private static long Read(string folder, string file) => long.Parse(File.ReadAllText(Path.Combine(folder, file)).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static long? TryRead(string folder, string file)
    {
        try
        {
            return Read(folder, file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static string? TryText(string folder, string file)
    {
        try
        {
            return File.ReadAllText(Path.Combine(folder, file)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
