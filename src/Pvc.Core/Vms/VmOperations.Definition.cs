using System.Xml.Linq;
using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Placement;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

// Define, modify, rename and undefine: PVC's rules and keys (vm.py define_vm, modify_vm, rename_vm, undefine_vm).
public sealed partial class VmOperations
{
    /// <summary>Defines a VM from libvirt XML with PVC's metadata, in one transaction.</summary>
    /// <exception cref="PvcArgumentException">The XML or an option is not valid.</exception>
    /// <exception cref="PvcAlreadyExistsException">A VM has the name or the UUID already.</exception>
    /// <exception cref="PvcNotFoundException">A node named does not exist.</exception>
    /// <exception cref="PvcResourceUnavailableException">No node fits, or the node named is too small.</exception>
    public async Task<VmRef> DefineAsync(VmDefinition definition, CancellationToken cancellationToken = default)
    {
        var xml = DomainXml.Parse(definition.Xml);
        foreach (var (tag, _) in definition.Tags)
            ValidateTag(tag);
        if (definition.MigrationMaxDowntime <= 0)
            throw new PvcArgumentException("InvalidMaxDowntime", $"The maximum downtime must be a positive number of milliseconds, not {definition.MigrationMaxDowntime}.");
        var existing = await VmResolver.ListAsync(Zk, cancellationToken);
        if (existing.FirstOrDefault(v => v.Uuid == xml.Uuid || v.Name == xml.Name) is { } clash)
            throw new PvcAlreadyExistsException("VmExists", clash.Uuid == xml.Uuid
                ? $"The UUID {xml.Uuid} is already the VM '{clash.Name}''s; give the new VM another UUID."
                : $"A VM named '{xml.Name}' exists already ({clash.Uuid}); choose another name.") { Target = xml.Name };
        var nodes = await NodesAsync(cancellationToken);
        RequireNodes(nodes, definition.NodeLimit);
        Node node;
        if (definition.TargetNode is null)
        {
            var placement = TargetNodeSelector.Select(nodes, new PlacementRequest(null, definition.NodeLimit, definition.NodeSelector, await ClusterSelectorAsync(cancellationToken)));
            node = nodes.First(n => n.Name == (placement.Target ?? throw new PvcResourceUnavailableException("NoTargetNode",
                $"No node can take the VM '{xml.Name}': {placement.Explanation}.") { Target = xml.Name }));
        }
        else
        {
            RequireNodes(nodes, [definition.TargetNode]);
            node = nodes.First(n => n.Name == definition.TargetNode);
        }
        RequireFits(xml, node);

        var vm = new VmRef(xml.Uuid, xml.Name);
        var ops = new List<Op>
        {
            Op.Create(P(vm, DomainKeys.Root), Utf8(xml.Name)),
            Op.Create(P(vm, DomainKeys.Xml), Utf8(definition.Xml)),
            Op.Create(P(vm, DomainKeys.State), Utf8(Wire.VmState.Encode(definition.InitialState))),
            Op.Create(P(vm, DomainKeys.Profile), Utf8(PvcText.EncodeNone(definition.Profile))),
            Op.Create(P(vm, DomainKeys.Stats), Utf8("")),
            Op.Create(P(vm, DomainKeys.Node), Utf8(node.Name)),
            Op.Create(P(vm, DomainKeys.LastNode), Utf8("")),
            Op.Create(P(vm, DomainKeys.FailedReason), Utf8("")),
            Op.Create(P(vm, DomainKeys.StorageVolumes), Utf8(PvcList.EncodeComma(xml.RbdVolumes))),
            Op.Create(P(vm, DomainKeys.ConsoleLog), Utf8("")),
            Op.Create(P(vm, DomainKeys.ConsoleVnc), Utf8("")),
            Op.Create(P(vm, DomainKeys.Autostart), Utf8(PvcBool.Encode(definition.Autostart))),
            Op.Create(P(vm, DomainKeys.MigrationMethod), Utf8(Wire.MigrationMethod.Encode(definition.MigrationMethod))),
            Op.Create(P(vm, DomainKeys.MigrationMaxDowntime), Utf8(PvcNumber.Encode(definition.MigrationMaxDowntime))),
            Op.Create(P(vm, DomainKeys.NodeLimit), Utf8(PvcList.EncodeComma(definition.NodeLimit))),
            Op.Create(P(vm, DomainKeys.NodeSelector), Utf8(Wire.NodeSelector.Encode(definition.NodeSelector))),
            Op.Create(P(vm, DomainKeys.Tags), Utf8("")),
            Op.Create(P(vm, DomainKeys.MigrateSyncLock), Utf8("")),
            Op.Create(P(vm, DomainKeys.Snapshots), Utf8("")),
        };
        foreach (var (tag, isProtected) in definition.Tags.DistinctBy(t => t.Name))
            ops.AddRange(TagCreates(vm, tag, isProtected));
        try
        {
            await Zk.MultiAsync(ops, cancellationToken);
        }
        catch (NodeExistsException)
        {
            throw new PvcAlreadyExistsException("VmExists", $"A VM with the UUID {xml.Uuid} was defined meanwhile; nothing was written.") { Target = xml.Name };
        }
        cluster.VmNameHints[vm.Name] = vm.Uuid;
        return vm;
    }

    /// <summary>Replaces a VM's XML (same UUID; a new name must be free), optionally restarting it if it runs.</summary>
    public async Task ModifyXmlAsync(VmRef vm, string newXml, bool restart = false, CancellationToken cancellationToken = default)
    {
        var xml = DomainXml.Parse(newXml);
        if (xml.Uuid != vm.Uuid)
            throw new PvcArgumentException("UuidMismatch", $"The new XML has the UUID {xml.Uuid}, but the VM '{vm.Name}' is {vm.Uuid}; a VM's UUID cannot change.") { Target = vm.Name };
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.State, DomainKeys.Node);
        if (xml.Name != vm.Name)
            await RequireFreeNameAsync(xml.Name, cancellationToken);
        var nodes = await NodesAsync(cancellationToken);
        if (nodes.FirstOrDefault(n => n.Name == PvcText.Decode(read[P(vm, DomainKeys.Node)])) is { } node)
            RequireFits(xml, node);
        var writes = new List<Op>
        {
            Op.SetData(P(vm, DomainKeys.Root), Utf8(xml.Name)),
            Op.SetData(P(vm, DomainKeys.StorageVolumes), Utf8(PvcList.EncodeComma(xml.RbdVolumes))),
            Op.SetData(P(vm, DomainKeys.Xml), Utf8(newXml)),
        };
        if (restart && StateOf(read, vm) == VmState.Start)
            writes.Add(Op.SetData(P(vm, DomainKeys.State), Utf8(Wire.VmState.Encode(VmState.Restart))));
        await CommitAsync(vm, read, writes, cancellationToken);
    }

    /// <summary>Renames a stopped VM (state stop, disable or mirror): its name and its XML's name element.</summary>
    public async Task<VmRef> RenameAsync(VmRef vm, string newName, CancellationToken cancellationToken = default)
    {
        VmName.Validate(newName);
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.State, DomainKeys.Xml);
        var state = StateOf(read, vm);
        if (state is not (VmState.Stop or VmState.Disable or VmState.Mirror))
            throw new PvcInvalidOperationException("VmNotStopped", $"The VM '{vm.Name}' is {Wire.VmState.Describe(state)}; only a stopped VM can be renamed. Stop it first.") { Target = vm.Name };
        if (newName == vm.Name)
            return vm;
        await RequireFreeNameAsync(newName, cancellationToken);
        var doc = XDocument.Parse(read[P(vm, DomainKeys.Xml)] ?? throw new PvcDataException("VmXmlMissing", $"The VM '{vm.Name}' has no XML."));
        doc.Root!.Element("name")!.Value = newName;
        var newXml = doc.ToString(SaveOptions.DisableFormatting);
        await CommitAsync(vm, read,
        [
            Op.SetData(P(vm, DomainKeys.Root), Utf8(newName)),
            Op.SetData(P(vm, DomainKeys.Xml), Utf8(newXml)),
            // PVC writes a key outside its schema here, so its rbdlist goes stale; this keeps it right
            Op.SetData(P(vm, DomainKeys.StorageVolumes), Utf8(PvcList.EncodeComma(DomainXml.Parse(newXml).RbdVolumes))),
        ], cancellationToken);
        return vm with { Name = newName };
    }

    /// <summary>
    /// Removes a VM from the cluster (its disks stay). As PVC does, a VM that is not stopped is stopped first
    /// (state "stop", which its node carries out); then its whole tree goes in one transaction.
    /// </summary>
    public async Task UndefineAsync(VmRef vm, CancellationToken cancellationToken = default)
    {
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.State);
        if (StateOf(read, vm) != VmState.Stop)
        {
            await SetStateAsync(vm, read, VmState.Stop, cancellationToken);
            read = await ReadAsync(vm, cancellationToken, DomainKeys.State);
        }
        var tree = await SubtreeAsync(DomainKeys.Path(vm.Uuid), cancellationToken);
        // deepest first; the state check makes a concurrent start fail the deletion rather than be lost
        await CommitAsync(vm, read, tree.OrderByDescending(p => p.Count(c => c == '/')).ThenByDescending(p => p, StringComparer.Ordinal).Select(p => Op.Delete(p)), cancellationToken);
    }

    /// <summary>Every path of a subtree (lock nodes included), breadth-first, one round trip a level.</summary>
    private async Task<List<string>> SubtreeAsync(string root, CancellationToken cancellationToken)
    {
        var all = new List<string> { root };
        var level = new List<string> { root };
        while (level.Count > 0)
        {
            var batch = new ZnodeBatch(Zk);
            foreach (var p in level)
                batch.Children(p);
            await batch.ReadAsync(cancellationToken);
            level = [.. level.SelectMany(p => (batch.ChildrenOf(p) ?? []).Select(c => $"{p}/{c}"))];
            all.AddRange(level);
        }
        return all;
    }

    private async Task RequireFreeNameAsync(string name, CancellationToken cancellationToken)
    {
        if ((await VmResolver.ListAsync(Zk, cancellationToken)).FirstOrDefault(v => v.Name == name) is { } clash)
            throw new PvcAlreadyExistsException("VmExists", $"A VM named '{name}' exists already ({clash.Uuid}); choose another name.") { Target = name };
    }

    private static void RequireNodes(IReadOnlyList<Node> nodes, IEnumerable<string> names)
    {
        foreach (var name in names)
            if (nodes.All(n => n.Name != name))
                throw new PvcNotFoundException("NodeNotFound", $"There is no node '{name}'. Get-PvcNode lists the nodes.") { Target = name };
    }

    /// <summary>PVC's define/modify checks: memory below the node's total, vCPUs below its CPUs minus 2.</summary>
    private static void RequireFits(DomainXml xml, Node node)
    {
        if (node.MemoryTotalMiB <= 0 || node.CpuCount is null)
            throw new PvcResourceUnavailableException("NodeResourcesUnknown", $"The node '{node.Name}' has not reported its memory and CPUs yet (is its node service running?); the VM's size cannot be checked against it.") { Target = node.Name };
        if (xml.MemoryMiB >= node.MemoryTotalMiB)
            throw new PvcResourceUnavailableException("InsufficientMemory", $"The VM '{xml.Name}' has {xml.MemoryMiB} MiB of memory; the node '{node.Name}' has only {node.MemoryTotalMiB} MiB in all.") { Target = xml.Name };
        if (xml.Vcpus >= node.CpuCount - 2)
            throw new PvcResourceUnavailableException("TooManyVcpus", $"The VM '{xml.Name}' has {xml.Vcpus} vCPUs; the node '{node.Name}' has {node.CpuCount} CPUs and a VM may have fewer than {node.CpuCount - 2}.") { Target = xml.Name };
    }
}
