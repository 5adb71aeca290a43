using System.Globalization;
using System.Text.Json.Nodes;

namespace Pvc.NodeService.Health.Plugins;

/// <summary>
/// PVC's <c>edac</c> plugin, read from the kernel's EDAC counters in sysfs (what edac-util reports): any uncorrected
/// memory error takes 50; corrected ones are only reported. Not loaded where no memory controller reports to EDAC.
/// </summary>
internal sealed class EdacHealthPlugin(string controllers = "/sys/devices/system/edac/mc") : IHealthPlugin
{
    /// <summary>PVC's delta for uncorrected memory errors.</summary>
    public const int UncorrectedDelta = 50;

    public string Name => "edac";

    public Task<string?> SetupAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Controllers().Count > 0 ? null : $"no memory controller reports to EDAC ({controllers})");

    public async Task<HealthPluginOutcome> RunAsync(CancellationToken cancellationToken)
    {
        long corrected = 0, uncorrected = 0;
        var data = new JsonObject();
        foreach (var mc in Controllers())
        {
            var ce = await CountAsync(Path.Combine(mc, "ce_count"), cancellationToken);
            var ue = await CountAsync(Path.Combine(mc, "ue_count"), cancellationToken);
            data[Path.GetFileName(mc)] = new JsonObject { ["corrected"] = ce, ["uncorrected"] = ue };
            corrected += ce;
            uncorrected += ue;
        }
        return uncorrected > 0
            ? new HealthPluginOutcome(UncorrectedDelta, $"{uncorrected} uncorrected and {corrected} corrected memory errors", data)
            : new HealthPluginOutcome(0, corrected > 0 ? $"{corrected} corrected memory errors" : "No memory errors", data);
    }

    private List<string> Controllers() =>
        Directory.Exists(controllers) ? [.. Directory.GetDirectories(controllers, "mc*").Order(StringComparer.Ordinal)] : [];

    private static async Task<long> CountAsync(string file, CancellationToken cancellationToken) =>
        File.Exists(file) && long.TryParse((await File.ReadAllTextAsync(file, cancellationToken)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
