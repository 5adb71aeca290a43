using System.Globalization;
using System.Text.Json.Nodes;

namespace Pvc.NodeService.Health.Plugins;

/// <summary>PVC's <c>load</c> plugin: the 1-minute load average above the CPU count takes 50.</summary>
internal sealed class LoadHealthPlugin(int cpuCount, string loadAverageFile = "/proc/loadavg") : IHealthPlugin
{
    /// <summary>PVC's delta for an overloaded node.</summary>
    public const int OverloadDelta = 50;

    public string Name => "load";

    public Task<string?> SetupAsync(CancellationToken cancellationToken) =>
        Task.FromResult(File.Exists(loadAverageFile) ? null : $"{loadAverageFile} does not exist");

    public async Task<HealthPluginOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(loadAverageFile, cancellationToken);
        var load = double.Parse(text.Split(' ', 2)[0], NumberStyles.Float, CultureInfo.InvariantCulture);
        var data = new JsonObject { ["load"] = load, ["cpus"] = cpuCount };
        return load > cpuCount
            ? new HealthPluginOutcome(OverloadDelta, $"Current load is {load:0.00} with {cpuCount} CPUs", data)
            : new HealthPluginOutcome(0, $"Current load is {load:0.00} with {cpuCount} CPUs", data);
    }
}
