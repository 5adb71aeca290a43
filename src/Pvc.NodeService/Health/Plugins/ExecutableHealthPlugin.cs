using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pvc.NodeService.Health.Plugins;

/// <summary>
/// A user's health plugin: a program in the plugin directory (pvc.conf's <c>path.plugin_directory</c>), any language
/// (a PowerShell script with <c>#!/usr/bin/env pwsh</c>, a shell script, a binary), run as
/// <c>&lt;program&gt; setup|run|cleanup</c> with <c>PVC_NODE</c> and <c>PVC_PLUGIN</c> in its environment.
/// <list type="bullet">
/// <item><c>setup</c>: exit 0 loads it; any other exit code unloads it (its output is the reason).</item>
/// <item><c>run</c>: exit 0 and one JSON object on standard output: <c>{"health_delta": 0, "message": "...", "data": {...}}</c>.
/// A run that fails, prints anything else or does not finish within the monitoring interval takes <see cref="FailureDelta"/>.</item>
/// <item><c>cleanup</c>: when the service stops; its exit code is not looked at.</item>
/// </list>
/// README.md (Node health) has an example.
/// </summary>
internal sealed partial class ExecutableHealthPlugin(string program, string name, string nodeName, TimeSpan timeout) : IHealthPlugin
{
    /// <summary>What a plugin that fails to report takes off the node's health.</summary>
    public const int FailureDelta = 10;

    public string Name => name;

    /// <summary>The program.</summary>
    public string Program => program;

    /// <summary>The plugin name a file gives (its name without extension, lowercase), or null when that cannot be a plugin name.</summary>
    public static string? NameOf(string file)
    {
        var stem = Path.GetFileNameWithoutExtension(file).ToLowerInvariant();
        return PluginName().IsMatch(stem) ? stem : null;
    }

    public async Task<string?> SetupAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(Step.Setup, cancellationToken);
        return result.Succeeded ? null : FirstLine(result) is { Length: > 0 } reason ? reason : $"setup exited {result.ExitCode}";
    }

    public async Task<HealthPluginOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(Step.Run, cancellationToken);
        if (!result.Succeeded)
            return new HealthPluginOutcome(FailureDelta, $"The plugin failed (exit {result.ExitCode}): {FirstLine(result)}");
        try
        {
            if (JsonNode.Parse(result.Output) is JsonObject report
                && report["health_delta"] is JsonValue d && d.TryGetValue<int>(out var delta) && delta >= 0
                && report["message"] is JsonValue m && m.TryGetValue<string>(out var message))
                return new HealthPluginOutcome(delta, message, report["data"]?.DeepClone());
        }
        catch (JsonException)
        {
        }
        return new HealthPluginOutcome(FailureDelta, "The plugin's report is not {\"health_delta\": <int ≥ 0>, \"message\": <string>, \"data\": ...}");
    }

    public Task CleanupAsync(CancellationToken cancellationToken) => RunAsync(Step.Cleanup, cancellationToken);

    /// <summary>The argument the program is run with: the step's name, lowercase.</summary>
    private enum Step { Setup, Run, Cleanup }

    private Task<HostCommand> RunAsync(Step step, CancellationToken cancellationToken) =>
        HostCommand.RunAsync(program, [step.ToString().ToLowerInvariant()], timeout, cancellationToken,
            new Dictionary<string, string?> { ["PVC_NODE"] = nodeName, ["PVC_PLUGIN"] = name });

    private static string FirstLine(HostCommand result) =>
        (result.Output + "\n" + result.Error).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex PluginName();
}
