using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Faults;
using Pvc.Core.Nodes;
using Pvc.Core.Storage;
using Pvc.Core.Vms;

namespace Pvc.Core.Metrics;

/// <summary>Reads a <see cref="ClusterMetricsSnapshot"/> for one scrape.</summary>
public static class ClusterMetricsReader
{
    /// <summary>
    /// The snapshot when <paramref name="nodeName"/> is the primary coordinator (<c>/config/primary_node</c>), else null:
    /// only the primary serves the cluster metrics, as only PVC's primary runs its API.
    /// </summary>
    public static async Task<ClusterMetricsSnapshot?> ReadIfPrimaryAsync(ClusterConnection cluster, string nodeName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return await IsPrimaryAsync(cluster, nodeName, cancellationToken).ConfigureAwait(false)
            ? await ReadAsync(cluster, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>True when the cluster's primary key names <paramref name="nodeName"/> (one read of that key).</summary>
    public static async Task<bool> IsPrimaryAsync(ClusterConnection cluster, string nodeName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var primary = await cluster.ZooKeeper.GetDataAsync(Schema.BaseKeys.PrimaryNode, cancellationToken: cancellationToken).ConfigureAwait(false);
        return Schema.PvcText.Decode(System.Text.Encoding.UTF8.GetString(primary.Data)) == nodeName;
    }

    /// <summary>Reads the cluster's status, nodes, VMs (with stats), OSDs, faults and volume count, each listing batched.</summary>
    /// <exception cref="Errors.PvcException">InvalidData when the cluster is not initialised or of another schema version.</exception>
    public static async Task<ClusterMetricsSnapshot> ReadAsync(ClusterConnection cluster, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var status = ClusterStatusReader.ReadAsync(cluster, cancellationToken);
        var nodes = cluster.Nodes.ListAsync(cancellationToken: cancellationToken);
        var vms = cluster.Vms.ListAsync(cancellationToken: cancellationToken);
        var osds = cluster.Osds.ListAsync(cancellationToken: cancellationToken);
        var faults = cluster.Faults.ListAsync(cancellationToken: cancellationToken);
        var volumes = CephTree.VolumesAsync(cluster.ZooKeeper, null, cancellationToken, null);
        await Task.WhenAll(status, nodes, vms, osds, faults, volumes).ConfigureAwait(false);
        return new ClusterMetricsSnapshot
        {
            Status = await status.ConfigureAwait(false),
            Nodes = await nodes.ConfigureAwait(false),
            Vms = await vms.ConfigureAwait(false),
            Osds = await osds.ConfigureAwait(false),
            Faults = await faults.ConfigureAwait(false),
            VolumeCount = (await volumes.ConfigureAwait(false)).Count,
        };
    }
}
