using System.Xml;
using System.Xml.Linq;
using Pvc.Core.Cluster;
using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Placement;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

// Define, modify, rename and undefine: PVC's rules and keys (vm.py define_vm, modify_vm, rename_vm, undefine_vm).
public sealed partial class VmOperations
{
    /// <summary>Defines a VM from libvirt XML with PVC's metadata, in one transaction.</summary>
    /// <exception cref="PvcException">InvalidArgument: The XML or an option is not valid (the XML's checks: see <see cref="DomainXmlPolicy.Inspect"/>).</exception>
    /// <exception cref="Errors.PvcException">NotAllowed: "DomainXmlNotAllowed" (its Detail a <see cref="DomainXmlRefusal"/>): The XML reaches into the host further than the cluster allows.</exception>
    /// <exception cref="PvcException">AlreadyExists: A VM has the name or the UUID already.</exception>
    /// <exception cref="PvcException">NotFound: A node named does not exist.</exception>
    /// <exception cref="PvcException">ResourceUnavailable: No node fits, or the node named is too small.</exception>
    /// <exception cref="PvcException">WriteConflict: "DomainXmlPolicyChanged": the allow-list the XML relied on changed meanwhile; "ClusterChangedMeanwhile": one of its RBD volumes was claimed by another VM meanwhile.</exception>
    /// <exception cref="PvcException">InvalidOperation: "VolumeInUse": another defined VM has one of its RBD volumes among its disks (the VM's volumes are claimed in the commit, as Add-PvcVmVolume claims one).</exception>
    public async Task<VmRef> DefineAsync(VmDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var (xml, uses) = ParseForWrite(definition.Xml);
        foreach (var (tag, _) in definition.Tags)
            ValidateTag(tag);
        if (definition.MigrationMaxDowntime <= 0)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidMaxDowntime, $"The maximum downtime must be a positive number of milliseconds, not {definition.MigrationMaxDowntime}.");
        var allowed = await RequireAllowedAsync(xml, uses, cancellationToken);
        var existing = await VmResolver.ListAsync(Zk, cancellationToken);
        if (existing.FirstOrDefault(v => v.Uuid == xml.Uuid || v.Name == xml.Name) is { } clash)
            throw new PvcException(PvcErrorKind.AlreadyExists, PvcErrorIds.VmExists, clash.Uuid == xml.Uuid
                ? $"The UUID {xml.Uuid} is already the VM '{clash.Name}''s; give the new VM another UUID."
                : $"A VM named '{xml.Name}' exists already ({clash.Uuid}); choose another name.") { Target = xml.Name };
        var view = await PlacementAsync(cancellationToken);
        var nodes = view.Nodes;
        RequireNodes(nodes, definition.NodeLimit);
        Node node;
        if (definition.TargetNode is null)
        {
            // a rule may name the VM's UUID before its define: its partners' nodes then count
            var rules = await cluster.Placement.ReadRulesAsync(cancellationToken);
            var check = rules.Of(xml.Uuid).Count == 0 ? null : new PlacementRuleCheck(rules.Occupy(await NodesOfAsync(rules.PeersOf(xml.Uuid), cancellationToken)), xml.Uuid);
            var placement = TargetNodeSelector.Select(nodes, view.Request(null, definition.NodeLimit, definition.NodeSelector) with { Rules = check });
            node = nodes.First(n => n.Name == (placement.Target ?? throw NoTarget(xml.Name, placement)));
        }
        else
        {
            RequireNodes(nodes, [definition.TargetNode]);
            node = nodes.First(n => n.Name == definition.TargetNode);
        }
        RequireFits(xml, node);

        var vm = new VmRef(xml.Uuid, xml.Name);
        var claims = await ClaimVolumesAsync(vm, xml.RbdVolumes, cancellationToken);
        var ops = new List<Op>(allowed.Checks.Concat(claims))
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
            throw new PvcException(PvcErrorKind.AlreadyExists, PvcErrorIds.VmExists, $"A VM with the UUID {xml.Uuid} was defined meanwhile; nothing was written.") { Target = xml.Name };
        }
        catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException)
        {
            // the allow-list's check or a volume's claim fail so: every other operation creates
            if (await ClaimsChangedAsync(claims, cancellationToken))
                throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.ClusterChangedMeanwhile,
                    $"One of the VM '{xml.Name}''s RBD volumes ({string.Join(", ", xml.RbdVolumes.Distinct(StringComparer.Ordinal))}) was claimed or changed meanwhile (another VM's define, XML change or volume add); nothing was written. Try again.", e) { Target = xml.Name };
            throw PolicyChanged(xml.Name, e);
        }
        cluster.VmNameHints[vm.Name] = vm.Uuid;
        return vm;
    }

    /// <summary>Replaces a VM's XML (same UUID; a new name must be free), optionally restarting it if it runs.</summary>
    public Task ModifyXmlAsync(VmRef vm, string newXml, bool restart = false, CancellationToken cancellationToken = default) =>
        ModifyAsync(vm, null, newXml, restart, cancellationToken);

    /// <summary>
    /// Changes a VM's metadata (<c>pvc vm meta</c>) and/or replaces its XML (<c>pvc vm modify</c>; same UUID, a new name
    /// must be free), optionally restarting it if it runs: one transaction, so either everything asked for is written
    /// or nothing is. Every check (the XML's, the cluster's allow-list, the nodes, the name) comes before the write.
    /// </summary>
    /// <exception cref="PvcException">InvalidArgument: "NoChange", "InvalidMaxDowntime", "UuidMismatch", or the XML's (see <see cref="DomainXmlPolicy.Inspect"/>, <see cref="DomainXml.Parse(string)"/>).</exception>
    /// <exception cref="Errors.PvcException">NotAllowed: "DomainXmlNotAllowed" (its Detail a <see cref="DomainXmlRefusal"/>): The XML reaches into the host further than the cluster allows.</exception>
    /// <exception cref="PvcException">NotFound: A node in the limit does not exist, or the VM does not.</exception>
    /// <exception cref="PvcException">AlreadyExists: The new name is another VM's.</exception>
    /// <exception cref="PvcException">ResourceUnavailable: The VM's node cannot hold the new definition.</exception>
    /// <exception cref="PvcException">WriteConflict: The VM (or the allow-list, or one of its RBD volumes' claims) changed meanwhile; nothing was written.</exception>
    /// <exception cref="PvcException">InvalidOperation: "VolumeInUse": another defined VM has one of the new XML's RBD volumes among its disks (they are claimed in the commit).</exception>
    public async Task ModifyAsync(VmRef vm, VmMetadataChange? metadata, string? newXml, bool restart = false, CancellationToken cancellationToken = default)
    {
        metadata ??= new VmMetadataChange();
        if (metadata.IsEmpty && newXml is null)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.NoChange, $"No metadata to change and no XML was given for the VM '{vm.Name}'.") { Target = vm.Name };
        if (metadata.MigrationMaxDowntime is <= 0)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidMaxDowntime, $"The maximum downtime must be a positive number of milliseconds, not {metadata.MigrationMaxDowntime}.") { Target = vm.Name };
        (DomainXml Xml, IReadOnlyList<DomainXmlUse> Uses)? parsed = newXml is null ? null : ParseForWrite(newXml);
        if (parsed is { } p && p.Xml.Uuid != vm.Uuid)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.UuidMismatch, $"The new XML has the UUID {p.Xml.Uuid}, but the VM '{vm.Name}' is {vm.Uuid}; a VM's UUID cannot change.") { Target = vm.Name };
        var allowed = parsed is { } q ? await RequireAllowedAsync(q.Xml, q.Uses, cancellationToken) : DomainXmlAllowList.None;
        IReadOnlyList<Node>? nodes = null;
        if (metadata.NodeLimit is { Count: > 0 } limit)
            RequireNodes(nodes = (await PlacementAsync(cancellationToken)).Nodes, limit);

        // the state and node matter only to a new XML (does it fit the node, restart a running VM): a metadata-only change
        // does not conflict with the VM starting, stopping or moving meanwhile (a flush retrying, for one). The drain
        // strategy's record (beside PVC's schema) is read with the VM's keys and written in the same transaction.
        string[] vmKeys = parsed is null ? [] : [DomainKeys.State, DomainKeys.Node];
        var read = metadata.DrainStrategy is null ? await ReadAsync(vm, cancellationToken, vmKeys)
            : await ReadAsync(vm, [PlacementRuleKeys.Root, PlacementRuleKeys.Drain, PlacementRuleKeys.DrainOf(vm.Uuid)], cancellationToken, vmKeys);
        var writes = MetadataWrites(vm, metadata);
        if (metadata.DrainStrategy is { } drain)
            writes.AddRange(DrainWrites(vm, read, drain));
        if (parsed is { Xml: var xml })
        {
            if (xml.Name != vm.Name)
                await RequireFreeNameAsync(xml.Name, cancellationToken);
            nodes ??= (await PlacementAsync(cancellationToken)).Nodes;
            if (nodes.FirstOrDefault(n => n.Name == PvcText.Decode(read[P(vm, DomainKeys.Node)])) is { } node)
                RequireFits(xml, node);
            writes.AddRange(allowed.Checks);
            // after the VM's read: the claim's versions are read before its owner check, and the commit checks both
            writes.AddRange(await ClaimVolumesAsync(vm, xml.RbdVolumes, cancellationToken));
            writes.Add(Op.SetData(P(vm, DomainKeys.Root), Utf8(xml.Name)));
            writes.Add(Op.SetData(P(vm, DomainKeys.StorageVolumes), Utf8(PvcList.EncodeComma(xml.RbdVolumes))));
            writes.Add(Op.SetData(P(vm, DomainKeys.Xml), Utf8(newXml!)));
            if (restart && StateOf(read, vm) == VmState.Start)
                writes.Add(Op.SetData(P(vm, DomainKeys.State), Utf8(Wire.VmState.Encode(VmState.Restart))));
        }
        await CommitAsync(vm, read, writes, cancellationToken);
    }

    /// <summary>
    /// The stored XML with its name element (the one <see cref="DomainXml"/> reads) set to <paramref name="newName"/>,
    /// and the sources of the RBD disks of <paramref name="volumes"/> set to their new names, its layout kept. Stored XML
    /// that cannot be read is the cluster's data at fault, not the caller's input.
    /// </summary>
    private static string WithName(VmRef vm, string? stored, string newName, IReadOnlyList<VolumeRename> volumes)
    {
        if (stored is null)
            throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.VmXmlMissing, $"The VM '{vm.Name}' has no XML.") { Target = vm.Name };
        XDocument doc;
        try
        {
            DomainXml.Parse(stored);
            using var reader = XmlReader.Create(new StringReader(stored), StoredXmlSettings);
            doc = XDocument.Load(reader, LoadOptions.PreserveWhitespace);
        }
        catch (Exception e) when (e is PvcException { Kind: PvcErrorKind.InvalidArgument } or XmlException)
        {
            throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.VmXmlInvalid,
                $"The VM '{vm.Name}''s stored XML cannot be read ({e.Message}); give it a valid definition, then rename it.") { Target = vm.Name };
        }
        // DomainXml read a <domain> root with a name child in no namespace: both are there
        doc.Root!.Element("name")!.Value = newName;
        // the renamed volumes' disks: <disk><source protocol='rbd' name='pool/volume'>, as DomainXml reads them
        var renamed = volumes.ToDictionary(v => v.From, v => v.To, StringComparer.Ordinal);
        foreach (var source in doc.Root.Element("devices")?.Elements("disk").Elements("source") ?? [])
            if ((string?)source.Attribute("protocol") == RbdDiskSource.Protocol && source.Attribute("name") is { } name && renamed.TryGetValue(name.Value, out var to))
                name.Value = to;
        return doc.ToString(SaveOptions.DisableFormatting);
    }

    // as DomainXml's, but keeping whitespace: the renamed XML keeps the stored layout
    private static readonly XmlReaderSettings StoredXmlSettings = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    /// <summary>The checks every XML to be written passes that need no cluster data: the policy's, then DomainXml's.</summary>
    private static (DomainXml Xml, IReadOnlyList<DomainXmlUse> Uses) ParseForWrite(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var uses = DomainXmlPolicy.Inspect(text);
        return (DomainXml.Parse(text), uses);
    }

    /// <summary>
    /// Refuses host access the cluster does not allow. The allow-list is read only when the XML reaches into the host
    /// (most does not); its version then goes into the write's checks, so a list changed meanwhile fails the write.
    /// </summary>
    private async Task<DomainXmlAllowList> RequireAllowedAsync(DomainXml xml, IReadOnlyList<DomainXmlUse> uses, CancellationToken cancellationToken)
    {
        if (uses.Count == 0)
            return DomainXmlAllowList.None;
        var allowed = await DomainXmlAllowList.ReadAsync(Zk, cancellationToken);
        DomainXmlPolicy.RequireAllowed(uses, allowed, xml.Name);
        return allowed;
    }

    private static PvcException PolicyChanged(string vmName, Exception inner) =>
        new(PvcErrorKind.WriteConflict, PvcErrorIds.DomainXmlPolicyChanged, $"The cluster's domain XML allow-list ({DomainXmlAllowList.Path}) changed while the VM '{vmName}' was being written; nothing was written. Try again.", inner) { Target = vmName };

    /// <summary>
    /// Removes a VM from the cluster (its disks stay). As PVC does, a VM that is not stopped is stopped first
    /// (state "stop", which its node carries out); then its whole tree goes in one transaction, with its drain strategy
    /// record (beside PVC's schema) when it has one.
    /// </summary>
    public Task UndefineAsync(VmRef vm, CancellationToken cancellationToken = default) => UndefineAsync(vm, [], cancellationToken);

    /// <summary>
    /// Removes a VM from the cluster as <see cref="UndefineAsync(VmRef, CancellationToken)"/>, and with it the keys of
    /// <paramref name="volumes"/> ("pool/volume": their volume and snapshot keys, those that exist), all in one
    /// transaction (PVC's vm remove, once its volumes are gone from Ceph).
    /// </summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidPoolName", "InvalidVolumeName" for a spec that is not one.</exception>
    public async Task UndefineAsync(VmRef vm, IReadOnlyList<string> volumes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        var roots = new List<string>();
        foreach (var spec in volumes)
        {
            var (pool, volume) = Storage.VolumeSpec.Parse(spec);
            roots.Add(CephKeys.Volume.Root($"{pool}/{volume}"));
            roots.Add(CephKeys.Snapshot.Root($"{pool}/{volume}"));
        }
        // the drain strategy's record, the method a flush imposed and the VM's removal marker (beside PVC's schema) go with it
        string[] drain = [PlacementRuleKeys.DrainOf(vm.Uuid), PlacementRuleKeys.ImposedOf(vm.Uuid), Tasks.TaskKeys.VmRemoval(vm.Uuid)];
        var read = await ReadAsync(vm, drain, cancellationToken, DomainKeys.State);
        if (StateOf(read, vm) != VmState.Stop)
        {
            await SetStateAsync(vm, read, VmState.Stop, cancellationToken);
            read = await ReadAsync(vm, drain, cancellationToken, DomainKeys.State);
        }
        var tree = await SubtreeAsync(DomainKeys.Path(vm.Uuid), cancellationToken);
        foreach (var root in roots.Distinct(StringComparer.Ordinal))
        {
            if (await Zk.ExistsAsync(root, null, cancellationToken) is not null)
                tree.AddRange(await SubtreeAsync(root, cancellationToken));
        }
        // deepest first; the state check makes a concurrent start fail the deletion rather than be lost
        await CommitAsync(vm, read, tree.OrderByDescending(p => p.Count(c => c == '/')).ThenByDescending(p => p, StringComparer.Ordinal).Select(p => Op.Delete(p))
            .Concat(drain.Where(k => read.VersionOf(k) >= 0).Select(k => Op.Delete(k))), cancellationToken);
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
            throw new PvcException(PvcErrorKind.AlreadyExists, PvcErrorIds.VmExists, $"A VM named '{name}' exists already ({clash.Uuid}); choose another name.") { Target = name };
    }

    private static void RequireNodes(IReadOnlyList<Node> nodes, IEnumerable<string> names)
    {
        foreach (var name in names)
            if (nodes.All(n => n.Name != name))
                throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"There is no node '{name}'.") { Target = name };
    }

    /// <summary>PVC's define/modify checks: memory below the node's total, vCPUs below its CPUs minus 2.</summary>
    private static void RequireFits(DomainXml xml, Node node)
    {
        if (node.MemoryTotalMiB <= 0 || node.CpuCount is null)
            throw new PvcException(PvcErrorKind.ResourceUnavailable, PvcErrorIds.NodeResourcesUnknown, $"The node '{node.Name}' has not reported its memory and CPUs yet (is its node service running?); the VM's size cannot be checked against it.") { Target = node.Name };
        if (xml.MemoryMiB >= node.MemoryTotalMiB)
            throw new PvcException(PvcErrorKind.ResourceUnavailable, PvcErrorIds.InsufficientMemory, $"The VM '{xml.Name}' has {xml.MemoryMiB} MiB of memory; the node '{node.Name}' has only {node.MemoryTotalMiB} MiB in all.") { Target = xml.Name };
        if (xml.Vcpus >= node.CpuCount - 2)
            throw new PvcException(PvcErrorKind.ResourceUnavailable, PvcErrorIds.TooManyVcpus, $"The VM '{xml.Name}' has {xml.Vcpus} vCPUs; the node '{node.Name}' has {node.CpuCount} CPUs and a VM may have fewer than {node.CpuCount - 2}.") { Target = xml.Name };
    }

    /// <summary>The nodes of VMs (one round trip); a VM not defined, or with no node, is left out.</summary>
    private async Task<Dictionary<Guid, string>> NodesOfAsync(IReadOnlyList<Guid> vms, CancellationToken cancellationToken)
    {
        var batch = new ZnodeBatch(Zk);
        foreach (var vm in vms)
            batch.Data(DomainKeys.Path(vm, DomainKeys.Node));
        await batch.ReadAsync(cancellationToken);
        return vms.Select(v => (v, n: PvcText.Decode(batch.Text(DomainKeys.Path(v, DomainKeys.Node))))).Where(p => p.n is not null).ToDictionary(p => p.v, p => p.n!);
    }
}
