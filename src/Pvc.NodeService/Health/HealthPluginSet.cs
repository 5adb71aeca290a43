using Microsoft.Extensions.Logging;
using Pvc.Core.Health;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Health.Plugins;

namespace Pvc.NodeService.Health;

/// <summary>
/// The health plugins a node offers: the compiled ones (PVC's set, for this stack) and a user's programs from the
/// plugin directory (<see cref="ExecutableHealthPlugin"/>). Each decides in its setup whether it applies here.
/// </summary>
internal static class HealthPluginSet
{
    /// <summary>The compiled plugins' names.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = ["disk", "dpkg", "edac", "ipmi", "libvirt", "load", "nics", "postgres", "zookeeper"];

    /// <summary>
    /// Every plugin for this node, the compiled ones first, then the directory's in file name order; those named in
    /// pvc.conf's <c>health.disabled_plugins</c> left out.
    /// </summary>
    public static IReadOnlyList<IHealthPlugin> Create(NodeConfig config, NodeHealthHostOperations node, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(config);
        List<string> devices = [.. new[] { config.Networks.BridgeDevice, config.Networks.ClusterDevice }.OfType<string>(),
            .. config.Networks.FloatingAddresses.Select(f => f.Device)];
        List<IHealthPlugin> plugins =
        [
            new DiskHealthPlugin(),
            new DpkgHealthPlugin(),
            new EdacHealthPlugin(),
            new HardwareRaidHealthPlugin(),
            new IpmiHealthPlugin(Fencing.BmcAddress.FromKeys(config.IpmiHostname, config.IpmiUsername, config.IpmiPassword),
                new Fencing.IpmiTool { CipherSuite = config.Fencing.IpmiCipherSuite }),
            new LibvirtHealthPlugin(config.LibvirtUri),
            new LoadHealthPlugin(Environment.ProcessorCount),
            new NicsHealthPlugin(devices),
            new PostgresHealthPlugin(config.Postgres?.Host, config.Postgres?.Port ?? 5432),
            new ZooKeeperHealthPlugin(node, config.IsCoordinator),
        ];
        plugins.AddRange(FromDirectory(config.PluginDirectory, config.NodeName, config.MonitoringInterval, plugins.Select(p => p.Name).ToHashSet(StringComparer.Ordinal), log));
        foreach (var disabled in plugins.Where(p => config.DisabledHealthPlugins.Contains(p.Name, StringComparer.Ordinal)))
            log.LogInformation("Health plugin {Plugin} not loaded: disabled in pvc.conf (health.disabled_plugins)", disabled.Name);
        return [.. plugins.Where(p => !config.DisabledHealthPlugins.Contains(p.Name, StringComparer.Ordinal))];
    }

    /// <summary>
    /// The user's plugins: every executable regular file in <paramref name="directory"/>, sorted by name. A file
    /// writable by others than its owner, one not executable (PVC's own Python plugins), one whose name is no plugin
    /// name or is taken is left out, with a log line saying why.
    /// </summary>
    public static IReadOnlyList<IHealthPlugin> FromDirectory(string directory, string nodeName, TimeSpan timeout, ISet<string> taken, ILogger log)
    {
        var plugins = new List<IHealthPlugin>();
        if (!Directory.Exists(directory) || !OperatingSystem.IsLinux())
            return plugins;
        foreach (var file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            var mode = File.GetUnixFileMode(file);
            if ((mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
            {
                log.LogDebug("Health plugin directory: {File} is not executable, not a plugin", file);
                continue;
            }
            if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            {
                log.LogWarning("Health plugin {File} is not loaded: others than its owner may write it", file);
                continue;
            }
            if (ExecutableHealthPlugin.NameOf(file) is not { } name)
            {
                log.LogWarning("Health plugin {File} is not loaded: its name must be lowercase letters, digits, '-' or '_'", file);
                continue;
            }
            if (!taken.Add(name))
            {
                log.LogWarning("Health plugin {File} is not loaded: a plugin named {Name} is already loaded", file, name);
                continue;
            }
            plugins.Add(new ExecutableHealthPlugin(file, name, nodeName, timeout));
        }
        return plugins;
    }
}
