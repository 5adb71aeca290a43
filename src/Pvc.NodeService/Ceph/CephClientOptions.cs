namespace Pvc.NodeService.Ceph;

/// <summary>How the node service reaches its Ceph cluster: as PVC does, a ceph.conf and a client's keyring.</summary>
public sealed record CephClientOptions
{
    /// <summary>The cluster's ceph.conf (monitor addresses, and the keyring's path unless <see cref="KeyringPath"/> is given).</summary>
    public string ConfigPath { get; init; } = "/etc/ceph/ceph.conf";

    /// <summary>The cephx client to act as (<c>client.admin</c>, as PVC).</summary>
    public string ClientName { get; init; } = "client.admin";

    /// <summary>The client's keyring, when not the one ceph.conf names. A secret: never logged, never on a command line.</summary>
    public string? KeyringPath { get; init; }

    /// <summary>
    /// How long one call may take: reaching the monitors, and each monitor or OSD operation. Past it the call fails
    /// with "CephTimeout" instead of hanging (librados' own default is to wait for ever).
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
