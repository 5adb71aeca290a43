namespace Pvc.Testing.Lab;

/// <summary>
/// The pvc.conf of a node service whose hypervisor is a <see cref="QemuLabHost"/>: libvirt through the host's unix
/// socket, the stored KVM XML run as <c>type='qemu'</c> (TCG), and live migration to peers by name, as PVC's
/// <c>qemu+tcp://&lt;node&gt;/system</c> (the host's /etc/hosts resolves the names).
/// </summary>
public static class QemuLabNode
{
    /// <summary>Writes the configuration of <paramref name="name"/> into <paramref name="directory"/>; returns its path.</summary>
    public static string Write(string directory, string name, IReadOnlyList<string> allNodes, string zookeeper, QemuLabHost host, int keepaliveSeconds = 1)
    {
        ArgumentNullException.ThrowIfNull(host);
        // the node section goes on with the migration URI (the extra lines keep its indentation)
        return LabNode.Write(directory, name, allNodes, zookeeper, $"  migration_uri: \"qemu+tcp://{"{node}"}/system\"", keepaliveSeconds, host.LibvirtUri, domainType: "qemu");
    }
}
