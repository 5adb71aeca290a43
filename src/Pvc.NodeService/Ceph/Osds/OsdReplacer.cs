using System.Text.Json.Nodes;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Storage;

namespace Pvc.NodeService.Ceph.Osds;

/// <summary>
/// PVC's osd.replace on the OSD's node: the OSD taken out until Ceph says its data lives elsewhere, stopped and
/// destroyed (<c>ceph osd destroy</c>: its id and its place in the crush map are kept), then made again on the new
/// device under the same id (<c>ceph-volume raw prepare --osd-id</c>), weighted, activated, started and marked in; the
/// old device, when this node still has the one whose BlueStore label names the OSD, is zapped; the OSD's keys are
/// written again with the new device and fsid. Raw mode, as <see cref="OsdProvisioner"/> makes OSDs (docs/ceph-access.md).
/// </summary>
public sealed class OsdReplacer(ClusterConnection cluster, RadosCluster ceph, IOsdDaemons daemons, OsdToolOptions options, string nodeName)
{
    /// <summary>The steps of a replace, for progress.</summary>
    public const int Steps = 7;

    /// <summary>osd.replace: returns {osd_id, device, old_device (the device zapped, or null), weight}.</summary>
    /// <exception cref="PvcException">
    /// NotFound: "OsdNotFound", "OsdDeviceNotFound"; InvalidOperation: "OsdOnOtherNode", "OsdDeviceHasPartitions",
    /// "OsdDeviceInUse", "OsdHoldsLastData", "CephCallFailed"; OperationTimeout: "CephTimeout".
    /// </exception>
    public async Task<JsonNode?> ReplaceAsync(JsonObject arguments, Func<int, int, string, Task> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var request = OsdReplaceRequest.FromArguments(arguments);
        var osd = await cluster.Osds.GetAsync(request.Id, cancellationToken);
        if (!string.Equals(osd.Node, nodeName, StringComparison.Ordinal))
            throw OsdErrors.OnOtherNode(osd.Id, osd.Node ?? "", nodeName);
        var monitor = new OsdMonitor(ceph);
        var tools = new CephVolume(options);
        var provisioner = new OsdProvisioner(tools, monitor, daemons, options, nodeName);
        var id = osd.Id;

        // every check before anything changes: a refusal leaves the OSD as it was
        await report(1, Steps, $"Checking {request.NewDevice} and osd.{id}");
        var device = await provisioner.CheckUnusedAsync(request.NewDevice, cancellationToken);
        var weight = request.Weight ?? await monitor.GetCrushWeightAsync(id, cancellationToken) ?? OsdAddRequest.DefaultWeight;
        if (!await monitor.IsSafeToDestroyAsync(id, cancellationToken)
            && (await monitor.ListAsync(cancellationToken)).Count(o => o.Id != id && o.Up && o.In) == 0)
            throw OsdErrors.HoldsLastData(id);

        await report(2, Steps, $"Marking osd.{id} out and waiting for its data to move");
        await monitor.MarkOutAsync(id, cancellationToken);
        await OsdProvisioner.WaitAsync(ct => monitor.IsSafeToDestroyAsync(id, ct), options.SettleTimeout, () => OsdErrors.NotSafeInTime(id, options.SettleTimeout), cancellationToken);
        // found while the OSD is still whole: the device whose label names it (id and fsid), not what the record says
        var hint = request.OldDevice?.Text ?? (OsdDevice.IsDevicePath(osd.Device) ? osd.Device : null);
        var old = await provisioner.HolderAsync(id, hint, osd.Fsid, cancellationToken);

        await report(3, Steps, $"Stopping and destroying osd.{id} (its id is kept)");
        await daemons.StopAsync(id, cancellationToken);
        await DestroyAsync(monitor, id, cancellationToken);
        provisioner.RemoveDataFolder(id);

        CephVolume.RawOsd? made = null;
        try
        {
            await report(4, Steps, $"Preparing osd.{id} on {device}");
            await tools.ZapAsync(device, cancellationToken);
            var deviceClass = device.Contains("nvme", StringComparison.Ordinal) ? "nvme" : "ssd";
            await tools.PrepareAsync(device, deviceClass, id, cancellationToken);
            made = (await tools.ListAsync(device, cancellationToken)).SingleOrDefault(o => o.Id == id)
                ?? throw CephErrors.ToolFailed("ceph-volume raw list", device, 0, $"the prepared device shows no osd.{id}");
            await report(5, Steps, $"Setting osd.{id}'s crush weight to {weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            await monitor.CrushAddAsync(id, weight, nodeName, cancellationToken);
            await report(6, Steps, $"Activating and starting osd.{id}, and marking it in");
            await tools.ActivateAsync(device, cancellationToken);
            await daemons.StartAsync(id, options.DataPath(id), cancellationToken);
            await OsdProvisioner.WaitAsync(async ct => (await monitor.ListAsync(ct)).Any(o => o.Id == id && o.Up), options.SettleTimeout,
                () => OsdErrors.NotUpInTime(id, options.SettleTimeout), cancellationToken);
            await monitor.MarkInAsync(id, cancellationToken);
        }
        catch
        {
            // the OSD stays destroyed (its id kept, ready for another replace); what this task made on the new device
            // goes, and only that: after its own prepare, while the device's label still names the OSD it made
            if (made is not null && await StillOursAsync(tools, device, made))
            {
                try { await daemons.StopAsync(id, CancellationToken.None); } catch (Exception e) when (e is PvcException or InvalidOperationException) { }
                try { await monitor.MarkDownAsync(id, CancellationToken.None); } catch (PvcException) { }
                try { await DestroyAsync(monitor, id, CancellationToken.None); } catch (PvcException) { }
                provisioner.RemoveDataFolder(id);
                try { await tools.ZapAsync(device, CancellationToken.None); } catch (PvcException) { }
            }
            throw;
        }

        if (old is not null)
        {
            await report(7, Steps, $"Zapping the old device {old}");
            try
            {
                // checked again just before: the label found minutes ago must still name the old OSD (id and fsid)
                old = await provisioner.HolderAsync(id, old, osd.Fsid, cancellationToken);
                if (old is not null)
                    await tools.ZapAsync(old, cancellationToken);
            }
            catch (PvcException)
            {
                // PVC zaps the old device "if possible": a dead disk cannot be written
                old = null;
            }
        }
        else
        {
            await report(7, Steps, $"Recording osd.{id}");
        }
        await new OsdHostOperations(cluster).RecordAsync(new OsdRecord(id, nodeName, device, "", made.Fsid, made.ClusterFsid, "", "", IsSplit: false), cancellationToken);
        return new JsonObject { ["osd_id"] = id, ["device"] = device, ["old_device"] = old, ["weight"] = weight };
    }

    private static async Task<bool> StillOursAsync(CephVolume tools, string device, CephVolume.RawOsd made)
    {
        try
        {
            return (await tools.ListAsync(device, CancellationToken.None)).Any(o => o.Id == made.Id && o.Fsid == made.Fsid);
        }
        catch (PvcException)
        {
            return false;
        }
    }

    private static async Task DestroyAsync(OsdMonitor monitor, int id, CancellationToken cancellationToken)
    {
        // destroy wants the OSD down: a daemon just stopped may not be marked down yet
        await monitor.MarkDownAsync(id, cancellationToken);
        await OsdProvisioner.WaitAsync(async ct => !(await monitor.ListAsync(ct)).Any(o => o.Id == id && o.Up), TimeSpan.FromMinutes(1),
            () => OsdErrors.NotDownInTime(id, TimeSpan.FromMinutes(1)), cancellationToken);
        await monitor.DestroyAsync(id, cancellationToken);
    }
}
