namespace Pvc.NodeService.Health;

/// <summary>
/// A node health plugin, as PVC's health daemon runs them (setup once, run every monitoring interval, cleanup when the
/// service stops). The compiled plugins implement it; <see cref="Plugins.ExecutableHealthPlugin"/> runs a user's
/// program from the plugin directory behind it.
/// </summary>
internal interface IHealthPlugin
{
    /// <summary>The plugin's name, as written to <c>monitoring_plugins</c> and in its fault's id (lowercase letters, digits, '-', '_').</summary>
    string Name { get; }

    /// <summary>Checks whether there is anything to check here; null when the plugin loads, else why it does not apply (it is then unloaded, as PVC's setup returning a value).</summary>
    Task<string?> SetupAsync(CancellationToken cancellationToken);

    /// <summary>One check; the monitor gives it the monitoring interval to finish.</summary>
    Task<HealthPluginOutcome> RunAsync(CancellationToken cancellationToken);

    /// <summary>Undoes what setup did, when the service stops.</summary>
    Task CleanupAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
