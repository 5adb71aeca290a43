using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pvc.NodeService.Health.Plugins;

/// <summary>
/// PVC's <c>nics</c> plugin, for the devices pvc.conf names (bridge, cluster, and the networks' floating-address
/// devices), a VLAN resolved to its parent: a bond with a slave not up takes 10; an interface running below the
/// fastest speed it supports takes 10 (known only with ethtool installed). Not loaded when none of the devices exists.
/// </summary>
internal sealed partial class NicsHealthPlugin(IReadOnlyList<string> devices, string sysClassNet = "/sys/class/net", string ethtool = "ethtool") : IHealthPlugin
{
    /// <summary>PVC's delta per degraded bond or slow interface.</summary>
    public const int DegradedDelta = 10;

    public string Name => "nics";

    public Task<string?> SetupAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Present().Count > 0 ? null
            : devices.Count == 0 ? "pvc.conf names no network device" : $"none of the devices {string.Join(", ", devices)} exists");

    public async Task<HealthPluginOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var delta = 0;
        var problems = new List<string>();
        var data = new JsonObject();
        var withEthtool = HostCommand.Exists(ethtool);
        foreach (var device in Present())
        {
            var info = new JsonObject { ["operstate"] = Read(device, "operstate") };
            var slaves = Read(device, "bonding/slaves");
            if (slaves is not null)
            {
                var down = slaves.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => Read(s, "operstate") != "up").ToList();
                info["slaves"] = slaves;
                if (down.Count > 0)
                {
                    delta += DegradedDelta;
                    problems.Add($"bond {device} has slave(s) down: {string.Join(", ", down)}");
                }
            }
            else if (withEthtool)
            {
                var result = await HostCommand.RunAsync(ethtool, [device], TimeSpan.FromSeconds(5), cancellationToken);
                var speed = SpeedLine().Match(result.Output) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : (int?)null;
                var supported = SupportedModes().Matches(result.Output).Select(x => int.Parse(x.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
                info["speed"] = speed;
                info["max_speed"] = supported;
                if (speed is { } s && supported > s)
                {
                    delta += DegradedDelta;
                    problems.Add($"{device} runs at {s} Mb/s of {supported}");
                }
            }
            data[device] = info;
        }
        return new HealthPluginOutcome(delta, problems.Count == 0 ? $"Interfaces {string.Join(", ", Present())} are healthy" : string.Join("; ", problems), data);
    }

    /// <summary>The configured devices that exist, each VLAN (<c>parent.vid</c> or one with a lower device) as its parent.</summary>
    private List<string> Present() =>
        [.. devices.Select(Parent).Where(d => Directory.Exists(Path.Combine(sysClassNet, d))).Distinct(StringComparer.Ordinal)];

    private string Parent(string device)
    {
        var dir = Path.Combine(sysClassNet, device);
        if (Directory.Exists(dir) && Directory.Exists(Path.Combine(dir, "bonding")))
            return device;
        if (Directory.Exists(dir) && Directory.GetFileSystemEntries(dir, "lower_*").FirstOrDefault() is { } lower)
            return Path.GetFileName(lower)["lower_".Length..];
        return device;
    }

    private string? Read(string device, string file)
    {
        var path = Path.Combine(sysClassNet, device, file);
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^\s*Speed:\s*(\d+)Mb/s", RegexOptions.Multiline)]
    private static partial Regex SpeedLine();

    [GeneratedRegex(@"\b(\d+)base[A-Za-z0-9]*/Full")]
    private static partial Regex SupportedModes();
}
