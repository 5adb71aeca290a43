using System.Text.Json;

namespace Pvc.Core.Vms;

/// <summary>The running VM's statistics, as its node last reported them (<c>/stats</c> JSON).</summary>
/// <param name="State">libvirt's state name (RUNNING, SHUTOFF, ...).</param>
/// <param name="MaxMemoryKiB">Maximum memory.</param>
/// <param name="LiveMemoryKiB">Current memory.</param>
/// <param name="Vcpus">vCPUs.</param>
/// <param name="CpuTimeNs">CPU time used.</param>
/// <param name="Json">The whole document, for the fields not typed here.</param>
public sealed record VmStats(string? State, long? MaxMemoryKiB, long? LiveMemoryKiB, int? Vcpus, long? CpuTimeNs, string Json)
{
    /// <summary>Parses PVC's stats JSON; null for "" or anything unreadable.</summary>
    public static VmStats? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return null;
            return new VmStats(Str(root, "state"), Long(root, "maxmem"), Long(root, "livemem"), (int?)Long(root, "cpus"), Long(root, "cputime"), json);
        }
        catch (JsonException)
        {
            return null;
        }

        static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        static long? Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
    }
}
