using System.Text.Json.Nodes;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Storage;

namespace Pvc.NodeService.Ceph.Osds;

/// <summary>
/// PVC's osd.refresh on the OSD's node: after a reboot or a reinstall, the OSD already on a device (ceph-volume's raw
/// label, its id and fsid) is activated again, its daemon started, and its keys under <c>/ceph/osds/&lt;id&gt;</c>
/// written again with the device and fsids found. Nothing on the device is changed; the OSD keeps its id and data.
/// </summary>
public sealed class OsdRefresher(ClusterConnection cluster, RadosCluster ceph, IOsdDaemons daemons, OsdToolOptions options, string nodeName)
{
    /// <summary>The steps of a refresh, for progress.</summary>
    public const int Steps = 4;

    /// <summary>osd.refresh: returns {osd_id, device}.</summary>
    /// <exception cref="PvcException">NotFound: "OsdNotFound", "OsdDeviceNotFound", "OsdNotOnDevice"; InvalidOperation: "OsdOnOtherNode"; OperationTimeout: "CephTimeout".</exception>
    public async Task<JsonNode?> RefreshAsync(JsonObject arguments, Func<int, int, string, Task> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var request = OsdRefreshRequest.FromArguments(arguments);
        var osd = await cluster.Osds.GetAsync(request.Id, cancellationToken);
        if (!string.Equals(osd.Node, nodeName, StringComparison.Ordinal))
            throw OsdErrors.OnOtherNode(osd.Id, osd.Node ?? "", nodeName);
        var monitor = new OsdMonitor(ceph);
        var tools = new CephVolume(options);

        await report(1, Steps, $"Finding osd.{request.Id} on {request.Device}");
        var device = request.Device.IsDetect
            ? await new OsdProvisioner(tools, monitor, daemons, options, nodeName).ResolveAsync(request.Device, cancellationToken)
            : request.Device.Text;
        if (!OsdProvisioner.IsBlockDevice(device))
            throw OsdErrors.DeviceNotFound(device, nodeName);
        var found = (await tools.ListAsync(device, cancellationToken)).FirstOrDefault(o => o.Id == request.Id)
            ?? throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.OsdNotOnDevice,
                $"Device '{device}' on node '{nodeName}' holds no OSD {request.Id} ('ceph-volume raw list {device}' shows what it holds); refresh reads an OSD that is there, it makes none (adding an OSD does).") { Target = device };

        await report(2, Steps, $"Activating osd.{found.Id} from {device}");
        await tools.ActivateAsync(device, cancellationToken);
        await report(3, Steps, $"Starting osd.{found.Id} and waiting for it to come up");
        await daemons.StartAsync(found.Id, options.DataPath(found.Id), cancellationToken);
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            limit.CancelAfter(options.SettleTimeout);
            try
            {
                // Ceph offers no watch on the OSD map through librados' monitor commands: a short poll with a deadline
                while (!(await monitor.ListAsync(limit.Token)).Any(o => o.Id == found.Id && o.Up))
                    await Task.Delay(500, limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw OsdErrors.NotUpInTime(found.Id, options.SettleTimeout);
            }
        }

        await report(4, Steps, $"Recording osd.{found.Id}");
        await new OsdHostOperations(cluster).RecordAsync(new OsdRecord(found.Id, nodeName, request.Device.Text, osd.DbDevice ?? "",
            found.Fsid, found.ClusterFsid, "", "", osd.IsSplit), cancellationToken);
        return new JsonObject { ["osd_id"] = found.Id, ["device"] = device };
    }
}
