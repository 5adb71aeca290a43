using System.Text.Json.Nodes;
using Pvc.Core.Tasks;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Tasks;

namespace Pvc.NodeService.Ceph.Osds;

/// <summary>
/// osd.refresh as a cluster task handler (<see cref="OsdRefresher"/>) on the OSD's node. Safe to repeat: it changes
/// nothing on the device, and activating an active OSD again is harmless.
/// </summary>
public sealed class OsdRefreshTaskHandler(CephAccess ceph, IOsdDaemons daemons, NodeConfig config) : IClusterTaskHandler
{
    /// <inheritdoc />
    public string Kind => ClusterTaskKinds.OsdRefresh;

    /// <inheritdoc />
    public bool SafeToRepeat => true;

    /// <inheritdoc />
    public async Task<JsonNode?> RunAsync(ClusterTaskContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cluster = await ceph.ConnectAsync(ct);
        return await new OsdRefresher(context.Cluster, cluster, daemons, OsdTaskHandler.OptionsOf(config), context.NodeName)
            .RefreshAsync(context.Arguments, (i, n, s) => context.ReportAsync(i, n, s, ct), ct);
    }
}
