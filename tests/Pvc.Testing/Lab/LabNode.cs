namespace Pvc.Testing.Lab;

/// <summary>
/// A node of a lab cluster on one machine: a libvirt test-driver host (test:///path.xml, 16 CPUs, 32 GiB) and a
/// pvc.conf for its node service.
/// </summary>
public static class LabNode
{
    /// <summary>Writes the host XML and the configuration of <paramref name="name"/> into <paramref name="directory"/>; returns the config path.</summary>
    public static string Write(string directory, string name, IReadOnlyList<string> allNodes, string zookeeper, string extraNodeConfig = "", int keepaliveSeconds = 1)
    {
        var host = Path.Combine(directory, $"{name}.xml");
        File.WriteAllText(host, """
            <node>
              <cpu><mhz>2400</mhz><model>x86_64</model><active>16</active><nodes>1</nodes><sockets>1</sockets><cores>8</cores><threads>2</threads></cpu>
              <memory>33554432</memory>
            </node>
            """);
        var config = Path.Combine(directory, $"{name}.conf");
        File.WriteAllText(config, $"""
            cluster:
              name: lab
              coordinator_nodes: [{string.Join(", ", allNodes)}]
            timer:
              keepalive_interval: {keepaliveSeconds}
              vm_shutdown_timeout: 10
            node:
              name: {name}
              zookeeper: "{zookeeper}"
              libvirt_uri: "test://{host}"
              domain_type: test
              autoready: true
            {extraNodeConfig}
            """);
        return config;
    }
}
