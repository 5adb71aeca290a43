using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pvc.NodeService.Health.Plugins;

/// <summary>
/// PVC's <c>hwrd</c> plugin: the hardware RAID arrays of the controllers whose management tools answer here (Broadcom
/// MegaRAID through <c>megacli</c>, HPE Smart Array through <c>ssacli</c>, Dell BOSS through <c>mvcli</c>), with PVC's
/// deltas: 50 for each array not optimal, 50 when a tool that answered at setup fails, 10 for an array that reports
/// no state. Not loaded when no tool answers (most hosts, and this project's test machines, have none).
/// </summary>
internal sealed partial class HardwareRaidHealthPlugin(string megacli = "megacli", string ssacli = "ssacli", string mvcli = "mvcli") : IHealthPlugin
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);
    private readonly List<RaidController> _controllers = [];

    public string Name => "hwrd";

    /// <summary>One controller to check: its kind and, for Smart Array, its slot.</summary>
    private sealed record RaidController(string Kind, string? Slot = null);

    /// <summary>One array as a tool reports it.</summary>
    /// <param name="Label">How the message names it.</param>
    /// <param name="Healthy">True when optimal; null when the tool gave no state.</param>
    internal sealed record RaidArray(string Label, bool? Healthy);

    public async Task<string?> SetupAsync(CancellationToken cancellationToken)
    {
        _controllers.Clear();
        if (HostCommand.Exists(mvcli) && (await HostCommand.RunAsync(mvcli, ["info", "-o", "vd"], CallTimeout, cancellationToken)).ExitCode == 0)
            _controllers.Add(new RaidController("dellboss"));
        if (HostCommand.Exists(megacli))
        {
            var listed = await HostCommand.RunAsync(megacli, ["-LDInfo", "-Lall", "-aALL"], CallTimeout, cancellationToken);
            if (listed.ExitCode == 0 && ParseMegaRaid(listed.Output).Count > 0)
                _controllers.Add(new RaidController("megaraid"));
        }
        if (HostCommand.Exists(ssacli))
        {
            var status = await HostCommand.RunAsync(ssacli, ["ctrl", "all", "show", "status"], CallTimeout, cancellationToken);
            if (status.ExitCode == 0)
                _controllers.AddRange(SmartArraySlots(status.Output).Select(s => new RaidController("hpsa", s)));
        }
        return _controllers.Count > 0 ? null : "no hardware RAID management tool (megacli, ssacli, mvcli) answers here";
    }

    public async Task<HealthPluginOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var delta = 0;
        var messages = new List<string>();
        var data = new JsonArray();
        foreach (var controller in _controllers)
        {
            var (program, arguments, parse, tool) = controller.Kind switch
            {
                "megaraid" => (megacli, new[] { "-LDInfo", "-Lall", "-aALL" }, (Func<string, IReadOnlyList<RaidArray>>)ParseMegaRaid, "MegaCLI"),
                "hpsa" => (ssacli, new[] { "ctrl", $"slot={controller.Slot}", "ld", "all", "show" }, ParseSmartArray, "SSACLI"),
                _ => (mvcli, new[] { "info", "-o", "vd" }, ParseBoss, "MVCLI"),
            };
            var result = await HostCommand.RunAsync(program, arguments, CallTimeout, cancellationToken);
            if (result.ExitCode != 0)
            {
                delta += 50;
                messages.Add($"Error running the {tool} command");
                continue;
            }
            foreach (var array in parse(result.Output))
            {
                delta += array.Healthy switch { true => 0, false => 50, null => 10 };
                messages.Add(array.Healthy is null ? $"{array.Label} did not report a state" : array.Label);
                data.Add(new JsonObject { ["array"] = array.Label, ["healthy"] = array.Healthy });
            }
        }
        if (messages.Count == 0)
            messages.Add("No valid RAID arrays found");
        return new HealthPluginOutcome(delta, string.Join(", ", messages), data);
    }

    /// <summary>The slots of the Smart Array controllers in <c>ssacli ctrl all show status</c> ("Smart Array P420i in Slot 0 (Embedded)").</summary>
    internal static IReadOnlyList<string> SmartArraySlots(string output) =>
        [.. output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Smart", StringComparison.Ordinal))
            .Select(l => SlotPattern().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value)];

    /// <summary>
    /// The virtual drives of <c>megacli -LDInfo -Lall -aALL</c>: each "Virtual Drive: N" section's State (healthy when
    /// "Optimal"), Name and Number Of Drives.
    /// </summary>
    internal static IReadOnlyList<RaidArray> ParseMegaRaid(string output)
    {
        var arrays = new List<RaidArray>();
        string? id = null, name = null, state = null, drives = null;
        void Flush()
        {
            if (id is null)
                return;
            var label = $"RAID MegaRAID ID {id} (Name: {name}, Disks: {drives ?? "?"}, State: {state ?? "?"})";
            arrays.Add(new RaidArray(label, state is null || drives is null ? null : state == "Optimal"));
        }
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("Virtual Drive:", StringComparison.Ordinal))
            {
                Flush();
                id = line["Virtual Drive:".Length..].Trim().Split(' ')[0];
                name = state = drives = null;
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (id is null || colon < 0)
                continue;
            var (key, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            switch (key)
            {
                case "Name": name = value; break;
                case "State": state = value; break;
                case "Number Of Drives": drives = value; break;
            }
        }
        Flush();
        return arrays;
    }

    /// <summary>The logical drives of <c>ssacli ctrl slot=N ld all show</c>, each under its "Array X" line; healthy when its status is "OK".</summary>
    internal static IReadOnlyList<RaidArray> ParseSmartArray(string output)
    {
        var arrays = new List<RaidArray>();
        string? array = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("Array", StringComparison.Ordinal))
                array = line;
            else if (line.StartsWith("logicaldrive", StringComparison.Ordinal) && array is not null)
            {
                // "logicaldrive 1 (279.37 GB, RAID 1, OK)": the status is the last field in the brackets
                var status = LastField().Match(line);
                arrays.Add(new RaidArray($"RAID HPSA {array} {line}", status.Success ? status.Groups[1].Value.Trim() == "OK" : null));
            }
        }
        return arrays;
    }

    /// <summary>The virtual disks of <c>mvcli info -o vd</c>: id, name and status lines; healthy when "functional".</summary>
    internal static IReadOnlyList<RaidArray> ParseBoss(string output)
    {
        var disks = new List<(string Id, string? Name, string? Status)>();
        foreach (var raw in output.Split('\n'))
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
                continue;
            var (key, value) = (raw[..colon].Trim(), raw[(colon + 1)..].Trim());
            if (key == "id")
                disks.Add((value, null, null));
            else if (disks.Count > 0 && key == "name")
                disks[^1] = disks[^1] with { Name = value };
            else if (disks.Count > 0 && key == "status")
                disks[^1] = disks[^1] with { Status = value };
        }
        return [.. disks.Select(d => new RaidArray($"RAID Dell BOSS ID {d.Id} (Name: {d.Name}, State: {d.Status ?? "?"})", d.Status is null ? null : d.Status == "functional"))];
    }

    [GeneratedRegex(@"Slot (\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex SlotPattern();

    [GeneratedRegex(@",\s*([^,()]+)\)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex LastField();
}
