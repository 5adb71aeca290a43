namespace Pvc.NodeService.Configuration;

/// <summary>
/// What the node needs to build the cluster's client networks (pvc.conf's <c>cluster.networks.cluster</c> and
/// <c>guest_networking</c>). Without a cluster device the node builds no networks: a host whose networking is not
/// configured (a test-driver lab) is left alone.
/// </summary>
public sealed record NetworkSettings
{
    /// <summary>The UDP port of VXLAN (IANA's, as PVC).</summary>
    public const int VxlanPort = 4789;

    /// <summary>The bytes a VXLAN encapsulation adds, which PVC takes off the cluster MTU for a managed network's.</summary>
    public const int VxlanOverhead = 50;

    /// <summary><c>cluster.networks.cluster.device</c>: the device managed networks' VXLANs run over; null builds no networks.</summary>
    public string? ClusterDevice { get; init; }

    /// <summary><c>cluster.networks.cluster.mtu</c>, default 1500.</summary>
    public int ClusterMtu { get; init; } = 1500;

    /// <summary><c>guest_networking.bridge_device</c>: the device bridged networks' VLANs are made on; null builds no bridged networks.</summary>
    public string? BridgeDevice { get; init; }

    /// <summary><c>guest_networking.bridge_mtu</c>, default 1500.</summary>
    public int BridgeMtu { get; init; } = 1500;

    /// <summary>
    /// The cluster's floating addresses, in PVC's takeover order (upstream, then cluster and storage): the primary adds
    /// them on takeover and removes them on relinquish. Empty when pvc.conf names none.
    /// </summary>
    public IReadOnlyList<FloatingAddress> FloatingAddresses { get; init; } = [];

    /// <summary>Whether the node builds networks at all.</summary>
    public bool Enabled => ClusterDevice is not null;
}
