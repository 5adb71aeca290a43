using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Storage;

namespace Pvc.NodeService.Ceph.Osds;

/// <summary>
/// The OSD tasks' work on this node (PVC's osd.add, osd.replace, osd.remove, osd.add_db_vg, and what its API does at once: osd in/out/set/unset):
/// the arguments checked again, Ceph changed, then PVC's keys written in one transaction; an OSD whose keys could not
/// be written is removed again, so nothing half made is left.
/// </summary>
public sealed class OsdWork(ClusterConnection cluster, RadosCluster ceph, IOsdDaemons daemons, OsdToolOptions options, string nodeName)
{
    /// <summary>
    /// One lock per node for the tasks that change devices (osd.add, osd.replace, osd.remove, osd.add_db_vg): they run one
    /// at a time on a node, held across the whole task, so one task's checks still hold when it acts and its failure path
    /// cannot undo another's work.
    /// </summary>
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> DeviceLocks = new(StringComparer.Ordinal);

    private OsdMonitor Monitor => new(ceph);

    private async Task<JsonNode?> ExclusiveAsync(Func<Task<JsonNode?>> work, CancellationToken cancellationToken)
    {
        var gate = DeviceLocks.GetOrAdd(nodeName, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            gate.Release();
        }
    }

    private OsdProvisioner Provisioner => new(new CephVolume(options), Monitor, daemons, options, nodeName);

    /// <summary>osd.add: an OSD on the device, recorded under <c>/ceph/osds/&lt;id&gt;</c>; returns {osd_id, node, device}.</summary>
    public Task<JsonNode?> AddAsync(JsonObject arguments, Func<int, int, string, Task> report, CancellationToken cancellationToken) =>
        ExclusiveAsync(() => AddUnlockedAsync(arguments, report, cancellationToken), cancellationToken);

    private async Task<JsonNode?> AddUnlockedAsync(JsonObject arguments, Func<int, int, string, Task> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var request = OsdAddRequest.FromArguments(arguments);
        var made = await Provisioner.AddAsync(new OsdProvisioner.AddRequest(request.Device, request.Weight),
            (step, status) => report(step, OsdProvisioner.AddSteps + 1, status), cancellationToken);
        await report(OsdProvisioner.AddSteps + 1, OsdProvisioner.AddSteps + 1, $"Recording osd.{made.Id}");
        try
        {
            await new OsdHostOperations(cluster).RecordAsync(made, cancellationToken);
        }
        catch (Exception e) when (e is not PvcException { ErrorId: PvcErrorIds.StorageKeysUnconfirmed })
        {
            // the keys were definitely not written (a lost answer is read back first): the OSD goes again. When they
            // could not be read back, the OSD is kept: its keys may be there (rev14 P2-4)
            await Provisioner.RemoveAsync(made.Id, made.Device, made.Fsid, force: true, null, CancellationToken.None);
            throw;
        }
        return new JsonObject { ["osd_id"] = made.Id, ["node"] = made.Node, ["device"] = made.Device };
    }

    /// <summary>osd.remove: the OSD, which must be this node's, taken out, purged and its keys removed.</summary>
    /// <exception cref="PvcException">NotFound: "OsdNotFound"; InvalidOperation: "OsdOnOtherNode", "OsdHoldsLastData".</exception>
    public Task<JsonNode?> RemoveAsync(JsonObject arguments, Func<int, int, string, Task> report, CancellationToken cancellationToken) =>
        ExclusiveAsync(() => RemoveUnlockedAsync(arguments, report, cancellationToken), cancellationToken);

    private async Task<JsonNode?> RemoveUnlockedAsync(JsonObject arguments, Func<int, int, string, Task> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var request = OsdIdRequest.FromArguments(arguments);
        var osd = await cluster.Osds.GetAsync(request.Id, cancellationToken);
        if (!string.Equals(osd.Node, nodeName, StringComparison.Ordinal))
            throw OsdErrors.OnOtherNode(osd.Id, osd.Node ?? "", nodeName);
        // PVC keeps the device as given; only a path under /dev is zapped
        var device = OsdDevice.IsDevicePath(osd.Device) ? osd.Device : null;
        var zapped = await Provisioner.RemoveAsync(osd.Id, device, osd.Fsid, request.Force, (step, status) => report(step, OsdProvisioner.RemoveSteps + 1, status), cancellationToken);
        await report(OsdProvisioner.RemoveSteps + 1, OsdProvisioner.RemoveSteps + 1, $"Forgetting osd.{osd.Id}");
        await new OsdHostOperations(cluster).ForgetAsync(osd.Id, cancellationToken);
        // zapped: the device that held this OSD's label, or null when none of this node's did (nothing was zapped)
        return new JsonObject { ["osd_id"] = osd.Id, ["zapped"] = zapped };
    }

    /// <summary>osd.replace: the OSD, which must be this node's, made again on a new device under its id (<see cref="OsdReplacer"/>).</summary>
    public Task<JsonNode?> ReplaceAsync(JsonObject arguments, Func<int, int, string, Task> report, CancellationToken cancellationToken) =>
        ExclusiveAsync(() => new OsdReplacer(cluster, ceph, daemons, options, nodeName).ReplaceAsync(arguments, report, cancellationToken), cancellationToken);

    /// <summary>osd.add_db_vg: the volume group osd-db on a device of this node (<see cref="OsdDbVolumeGroupCreator"/>).</summary>
    public Task<JsonNode?> AddDbVolumeGroupAsync(JsonObject arguments, Func<int, int, string, Task> report, CancellationToken cancellationToken) =>
        ExclusiveAsync(() => new OsdDbVolumeGroupCreator(Provisioner, options, nodeName).CreateAsync(arguments, report, cancellationToken), cancellationToken);

    /// <summary>osd.in / osd.out (<c>ceph osd in|out &lt;id&gt;</c>) of an OSD the cluster records.</summary>
    /// <exception cref="PvcException">NotFound: "OsdNotFound".</exception>
    public async Task<JsonNode?> SetInAsync(JsonObject arguments, bool @in, CancellationToken cancellationToken)
    {
        var request = OsdIdRequest.FromArguments(arguments);
        await cluster.Osds.GetAsync(request.Id, cancellationToken);
        if (@in)
            await Monitor.MarkInAsync(request.Id, cancellationToken);
        else
            await Monitor.MarkOutAsync(request.Id, cancellationToken);
        return new JsonObject { ["osd_id"] = request.Id, ["in"] = @in };
    }

    /// <summary>osd.set / osd.unset (<c>ceph osd set|unset &lt;flag&gt;</c>); returns the flags set afterwards.</summary>
    public async Task<JsonNode?> SetFlagAsync(JsonObject arguments, bool set, CancellationToken cancellationToken)
    {
        var request = OsdFlagRequest.FromArguments(arguments);
        if (set)
            await Monitor.SetFlagAsync(request.Flag, cancellationToken);
        else
            await Monitor.UnsetFlagAsync(request.Flag, cancellationToken);
        return new JsonObject { ["flags"] = new JsonArray([.. (await Monitor.GetFlagsAsync(cancellationToken)).Order(StringComparer.Ordinal).Select(f => (JsonNode?)f)]) };
    }
}
