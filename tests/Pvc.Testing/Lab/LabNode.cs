namespace Pvc.Testing.Lab;

/// <summary>
/// A node of a lab cluster on one machine: a pvc.conf for its node service, and a libvirt test-driver host inside the
/// service (test:///path.xml, 16 CPUs, 32 GiB) unless another hypervisor URI is given.
/// </summary>
public static class LabNode
{
    /// <summary>Writes the host XML and the configuration of <paramref name="name"/> into <paramref name="directory"/>; returns the config path.</summary>
    /// <param name="directory">Where the files go.</param>
    /// <param name="name">The node's name.</param>
    /// <param name="allNodes">Every node (all coordinators).</param>
    /// <param name="zookeeper">The ZooKeeper connection string (with chroot).</param>
    /// <param name="extraNodeConfig">More top-level YAML sections.</param>
    /// <param name="keepaliveSeconds">timer.keepalive_interval.</param>
    /// <param name="libvirtUri">The hypervisor; null for a test-driver host inside the service.</param>
    /// <param name="domainType">node.domain_type: what the hypervisor runs the stored KVM XML as.</param>
    public static string Write(string directory, string name, IReadOnlyList<string> allNodes, string zookeeper, string extraNodeConfig = "", int keepaliveSeconds = 1,
        string? libvirtUri = null, string domainType = "test")
    {
        if (libvirtUri is null)
        {
            var host = Path.Combine(directory, $"{name}.xml");
            libvirtUri = $"test://{host}";
            File.WriteAllText(host, """
                <node>
                  <cpu><mhz>2400</mhz><model>x86_64</model><active>16</active><nodes>1</nodes><sockets>1</sockets><cores>8</cores><threads>2</threads></cpu>
                  <memory>33554432</memory>
                </node>
                """);
        }
        // the node's VM console logs (path.console_log_directory): its own folder, not the machine's /var/log/libvirt, which
        // the lab's test-driver VMs (PVC-shaped XML: /var/log/libvirt/<name>.log) would otherwise share across nodes and runs;
        // their XML's path is refused there, so a test that wants a console logged points its VM's XML at this folder
        var consoles = ConsoleDirectory(directory, name);
        Directory.CreateDirectory(consoles);
        var consoleKey = $"  console_log_directory: \"{consoles}\"";
        var pathSection = System.Text.RegularExpressions.Regex.IsMatch(extraNodeConfig, @"(?m)^path:[ \t]*\r?$") ? "" : $"path:\n{consoleKey}\n";
        if (pathSection.Length == 0)
            extraNodeConfig = System.Text.RegularExpressions.Regex.Replace(extraNodeConfig, @"(?m)^path:[ \t]*\r?$", "path:\n" + consoleKey.Replace("$", "$$", StringComparison.Ordinal));
        // the node health plugins that report on the test machine itself (its load, packages, disks, memory controllers)
        // would raise faults and lower the cluster's health in every lab; a test that wants them writes its own health:
        if (!System.Text.RegularExpressions.Regex.IsMatch(extraNodeConfig, @"(?m)^health:[ \t]*\r?$"))
            extraNodeConfig += "\nhealth:\n  disabled_plugins: [disk, dpkg, edac, load]\n";
        var config = Path.Combine(directory, $"{name}.conf");
        // it may hold the BMC's password: the owner's only, as pvc.conf should be
        File.WriteAllText(config, "");
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(config, pathSection + $"""
            cluster:
              name: lab
              coordinator_nodes: [{string.Join(", ", allNodes)}]
            timer:
              keepalive_interval: {keepaliveSeconds}
              vm_shutdown_timeout: 10
            node:
              name: {name}
              zookeeper: "{zookeeper}"
              libvirt_uri: "{libvirtUri}"
              domain_type: {domainType}
              autoready: true
              run_directory: "{Path.Combine(directory, $"{name}-run")}"
              upload_directory: "{UploadDirectory(directory, name)}"
            {extraNodeConfig}
            """);
        return config;
    }

    /// <summary>The console log folder (path.console_log_directory) of node <paramref name="name"/> written into <paramref name="directory"/>.</summary>
    public static string ConsoleDirectory(string directory, string name) => Path.Combine(directory, $"{name}-consoles");

    /// <summary>The upload scratch directory (node.upload_directory) of node <paramref name="name"/> written into <paramref name="directory"/>.</summary>
    public static string UploadDirectory(string directory, string name) => Path.Combine(directory, $"{name}-upload");
}
