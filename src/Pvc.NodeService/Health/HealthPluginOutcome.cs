using System.Text.Json.Nodes;

namespace Pvc.NodeService.Health;

/// <summary>What one run of a health plugin found (PVC's PluginResult).</summary>
/// <param name="HealthDelta">What it takes off the node's health: 0 when all is well.</param>
/// <param name="Message">What it found, for people.</param>
/// <param name="Data">Detail, written as JSON to the plugin's <c>/data</c>.</param>
internal sealed record HealthPluginOutcome(int HealthDelta, string Message, JsonNode? Data = null);
