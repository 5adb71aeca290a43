namespace Pvc.Core.Schema;

/// <summary>
/// Keys of one health plugin's results on a node, <c>/nodes/&lt;node&gt;/monitoring_data/&lt;plugin&gt;</c> (schema v15
/// <c>monitoring_plugin.*</c>): the root holds the plugin's name.
/// </summary>
public static class MonitoringPluginKeys
{
#pragma warning disable CS1591 // the names are PVC's keys; the inventory documents each
    public const string Root = "";
    public const string LastRun = "/last_run";
    public const string HealthDelta = "/health_delta";
    public const string Message = "/message";
    public const string Data = "/data";
    public const string Runtime = "/runtime";
#pragma warning restore CS1591

    /// <summary>Every key's sub-path, the root first.</summary>
    public static IReadOnlyList<string> SubPaths { get; } = [Root, LastRun, HealthDelta, Message, Data, Runtime];

    /// <summary>A key's path for a plugin of a node.</summary>
    public static string Path(string node, string plugin, string key = Root) =>
        $"{NodeKeys.Path(node, NodeKeys.MonitoringData)}/{plugin}{key}";
}
