namespace Pvc.Testing.Lab;

/// <summary>
/// The pvc.conf of a node service whose hypervisor is a <see cref="QemuLabHost"/>: libvirt through the host's unix
/// socket, the stored KVM XML run as <c>type='qemu'</c> (TCG), and live migration to peers by name, as PVC's
/// <c>qemu+tcp://&lt;node&gt;/system</c> (the host's /etc/hosts resolves the names).
/// </summary>
public static class QemuLabNode
{
    /// <summary>Writes the configuration of <paramref name="name"/> into <paramref name="directory"/>; returns its path.</summary>
    /// <param name="directory">Where the files go.</param>
    /// <param name="name">The node's name.</param>
    /// <param name="allNodes">Every node.</param>
    /// <param name="zookeeper">The ZooKeeper connection string.</param>
    /// <param name="host">The node's hypervisor.</param>
    /// <param name="keepaliveSeconds">timer.keepalive_interval.</param>
    /// <param name="extraConfig">More top-level YAML sections (a <c>ceph</c> section, ...).</param>
    public static string Write(string directory, string name, IReadOnlyList<string> allNodes, string zookeeper, QemuLabHost host, int keepaliveSeconds = 1, string extraConfig = "")
    {
        ArgumentNullException.ThrowIfNull(host);
        // the node section goes on with the migration URI (the extra lines keep its indentation)
        return LabNode.Write(directory, name, allNodes, zookeeper, $"  migration_uri: \"qemu+tcp://{"{node}"}/system\"\n{extraConfig}", keepaliveSeconds, host.LibvirtUri, domainType: "qemu");
    }
}
