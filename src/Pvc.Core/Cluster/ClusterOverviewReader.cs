using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Faults;
using Pvc.Core.Nodes;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;

namespace Pvc.Core.Cluster;

/// <summary>Reads a <see cref="ClusterOverview"/>.</summary>
public static class ClusterOverviewReader
{
    /// <summary>
    /// Reads the overview in at most three round trips, however many nodes, VMs and faults the cluster has: the
    /// configuration and the lists; then every node's keys (as Get-PvcNode reads them), every VM's name, node and state
    /// (not its XML) and every fault; then, when any node has health plugins loaded, their results.
    /// </summary>
    /// <exception cref="PvcException">InvalidData: "ClusterNotInitialized" or "UnsupportedSchemaVersion".</exception>
    public static async Task<ClusterOverview> ReadAsync(ClusterConnection connection, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var batch = new ZnodeBatch(connection.ZooKeeper, counter);
        batch.Data(BaseKeys.SchemaVersion).Data(BaseKeys.Config).Data(BaseKeys.Maintenance).Data(BaseKeys.PrimaryNode)
            .Children(BaseKeys.Nodes).Children(BaseKeys.Domains).Children(BaseKeys.Faults);
        await batch.ReadAsync(cancellationToken);
        SchemaVersion.EnsureSupported(batch.Text(BaseKeys.SchemaVersion));

        var nodeNames = LockNodes.Without(batch.ChildrenOf(BaseKeys.Nodes) ?? []).Order(StringComparer.Ordinal).ToList();
        var vmSlots = VmReader.UuidsOf(batch.ChildrenOf(BaseKeys.Domains)).Select(u => new VmSlots(u)).ToList();
        var faultIds = FaultStore.ListIds(batch);
        var primaryText = PvcText.Decode(batch.Text(BaseKeys.PrimaryNode));

        NodeReader.Queue(batch, nodeNames);
        foreach (var vm in vmSlots)
            vm.QueueSummary(batch);
        foreach (var id in faultIds)
            FaultStore.Queue(batch, id);
        await batch.ReadAsync(cancellationToken);
        // the health plugins' results, when any node has plugins, are one more read
        var nodes = await NodeReader.DecodeAsync(batch, nodeNames, cancellationToken);

        var vms = vmSlots.Where(vm => vm.Exists(batch))
            .Select(vm => new VmOverview(vm.Uuid, vm.Name(batch), vm.State(batch), vm.Node(batch)))
            .OrderBy(v => v.Name, StringComparer.Ordinal).ThenBy(v => v.Uuid)
            .ToList();
        var byNode = vms.Where(v => v.Node is not null).ToLookup(v => v.Node!, StringComparer.Ordinal);
        var known = nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        // a fault deleted between the two reads is simply not there
        var faults = faultIds.Select(id => FaultStore.Decode(batch, id)).OfType<Fault>().ToList();
        return new ClusterOverview
        {
            Name = PvcText.Decode(batch.Text(BaseKeys.Config)),
            Health = ClusterHealth.Compute(faults),
            Maintenance = batch.Text(BaseKeys.Maintenance) == PvcBool.EncodeLowercase(true),
            PrimaryNode = primaryText is null || primaryText == "none" ? null : primaryText,
            ActiveFaultCount = ClusterHealth.Active(faults).Count,
            Nodes = [.. nodes.Select(n => new NodeOverview(n, [.. byNode[n.Name]]))],
            UnplacedVms = [.. vms.Where(v => v.Node is null || !known.Contains(v.Node))],
        };
    }
}
