namespace Pvc.NodeService.Configuration;

/// <summary>
/// pvc.conf's <c>ceph</c> section (with <c>path.ceph_directory</c>): how this node reaches its Ceph cluster. Present only
/// when storage is enabled (<c>subsystem.enable_storage</c>, PVC's default true) and the file has a <c>ceph</c> section;
/// a node without it runs without Ceph (no storage stats, no storage tasks).
/// </summary>
public sealed record CephSettings
{
    /// <summary><c>path.ceph_directory</c>/<c>ceph.ceph_config_file</c>, default /etc/ceph/ceph.conf.</summary>
    public required string ConfigFile { get; init; }

    /// <summary>
    /// <c>path.ceph_directory</c>/<c>ceph.ceph_keyring_file</c>, default /etc/ceph/ceph.client.admin.keyring: the admin
    /// client's keyring, a secret (only its path is ever passed on, never its contents).
    /// </summary>
    public required string KeyringFile { get; init; }

    /// <summary>The cephx client acting for the node service, <c>client.admin</c> as PVC.</summary>
    public string ClientName { get; init; } = "client.admin";

    /// <summary><c>ceph.secret_uuid</c>: the libvirt secret holding the client's key for VMs' RBD disks, or null.</summary>
    public Guid? SecretUuid { get; init; }

    /// <summary><c>ceph.monitor_port</c>, default 6789.</summary>
    public int MonitorPort { get; init; } = 6789;

    /// <summary><c>ceph.monitor_hosts</c>: the monitors VMs' RBD disks name (PVC's default: the coordinators).</summary>
    public IReadOnlyList<string> MonitorHosts { get; init; } = [];
}
