using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pvc.NodeService.Health.Plugins;

/// <summary>
/// PVC's <c>disk</c> plugin: smartctl's JSON for every SCSI/SATA (major 8) and NVMe (major 259) disk that supports
/// SMART. NVMe: 10 each for a critical warning, media errors, more than 90 % used. ATA: 10 per attribute that failed.
/// 10 for a disk whose SMART data cannot be read. Not loaded without smartctl, or without a disk that supports SMART.
/// </summary>
internal sealed class DiskHealthPlugin(string smartctl = "smartctl", string lsblk = "lsblk") : IHealthPlugin
{
    /// <summary>PVC's delta per problem found.</summary>
    public const int ProblemDelta = 10;

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private List<string> _disks = [];

    public string Name => "disk";

    public async Task<string?> SetupAsync(CancellationToken cancellationToken)
    {
        if (!HostCommand.Exists(smartctl))
            return $"{smartctl} is not installed (smartmontools)";
        var list = await HostCommand.RunAsync(lsblk, ["--json", "--nodeps", "--output", "NAME,MAJ:MIN,TYPE"], CallTimeout, cancellationToken);
        var candidates = new List<string>();
        if (list.Succeeded && JsonNode.Parse(list.Output)?["blockdevices"] is JsonArray devices)
        {
            foreach (var d in devices.OfType<JsonObject>())
            {
                var major = d["maj:min"]?.GetValue<string>().Split(':')[0];
                if (d["type"]?.GetValue<string>() == "disk" && major is "8" or "259" && d["name"]?.GetValue<string>() is { } name)
                    candidates.Add($"/dev/{name}");
            }
        }
        _disks = [];
        foreach (var disk in candidates)
        {
            var info = await HostCommand.RunAsync(smartctl, ["--info", "--json", disk], CallTimeout, cancellationToken);
            if (Parse(info.Output)?["smart_support"]?["available"]?.GetValue<bool>() == true || Parse(info.Output)?["nvme_version"] is not null)
                _disks.Add(disk);
        }
        return _disks.Count > 0 ? null : candidates.Count == 0 ? "no SCSI, SATA or NVMe disk" : $"no disk supports SMART ({string.Join(", ", candidates)})";
    }

    public async Task<HealthPluginOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var delta = 0;
        var problems = new List<string>();
        var data = new JsonObject();
        foreach (var disk in _disks)
        {
            var result = await HostCommand.RunAsync(smartctl, ["--all", "--json", disk], CallTimeout, cancellationToken);
            var found = Assess(Parse(result.Output));
            data[disk] = new JsonArray([.. found.Select(f => (JsonNode)f)]);
            delta += found.Count * ProblemDelta;
            problems.AddRange(found.Select(f => $"{disk} {f}"));
        }
        return new HealthPluginOutcome(delta, problems.Count == 0 ? $"Disks {string.Join(", ", _disks)} are healthy" : string.Join("; ", problems), data);
    }

    /// <summary>What one disk's <c>smartctl --all --json</c> shows wrong (each worth <see cref="ProblemDelta"/>).</summary>
    internal static List<string> Assess(JsonNode? smart)
    {
        if (smart is null)
            return ["SMART data could not be read"];
        var found = new List<string>();
        if (smart["nvme_smart_health_information_log"] is JsonObject nvme)
        {
            if (nvme["critical_warning"]?.GetValue<long>() > 0)
                found.Add("has a critical warning");
            if (nvme["media_errors"]?.GetValue<long>() > 0)
                found.Add("has media errors");
            if (nvme["percentage_used"]?.GetValue<long>() > 90)
                found.Add("is more than 90% used");
        }
        if (smart["ata_smart_attributes"]?["table"] is JsonArray table)
        {
            foreach (var attribute in table.OfType<JsonObject>())
            {
                if (attribute["when_failed"]?.GetValue<string>() is { Length: > 0 } when)
                    found.Add($"attribute {attribute["name"]?.GetValue<string>()} failed ({when})");
            }
        }
        return found;
    }

    private static JsonNode? Parse(string text)
    {
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
