using System.Text.Json.Nodes;

namespace Pvc.Core.Nodes;

/// <summary>
/// One health plugin's last result on a node, as <c>/nodes/&lt;node&gt;/monitoring_data/&lt;plugin&gt;</c> holds it
/// (PVC's <c>pvc node info</c> shows these under "Health plugin details").
/// </summary>
public sealed record NodeHealthPlugin
{
    /// <summary>The plugin's name (load, libvirt, disk, ...).</summary>
    public required string Name { get; init; }
    /// <summary>What the plugin takes off the node's health (0 when all is well).</summary>
    public int HealthDelta { get; init; }
    /// <summary>What the plugin found, for people.</summary>
    public string Message { get; init; } = "";
    /// <summary>The plugin's detail, as JSON; null when it gave none.</summary>
    public JsonNode? Data { get; init; }
    /// <summary>When it last ran; null before its first run.</summary>
    public DateTimeOffset? LastRun { get; init; }
    /// <summary>How long its last run took.</summary>
    public TimeSpan Runtime { get; init; }
}
