using System.Text.Json.Nodes;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

// PVC's vm rename (rename_vm): a stopped VM gets its new name, and each RBD volume named after it is renamed in Ceph
// with it. The volumes are the cluster's own (recorded under /ceph/volumes): a disk naming a volume the cluster does
// not record keeps its name, where PVC would point the disk at a name nothing was renamed to. Only the disk sources of
// renamed volumes and the name element change in the XML; PVC replaces the old name everywhere in it.
public sealed partial class VmOperations
{
    /// <summary>The arguments' key of the VM's UUID in a <see cref="ClusterTaskKinds.VmRename"/> task.</summary>
    public const string RenameVmArgument = "vm";

    /// <summary>The arguments' key of the VM's new name in a <see cref="ClusterTaskKinds.VmRename"/> task.</summary>
    public const string RenameNewNameArgument = "new_name";

    /// <summary>The arguments' key of the volumes ("pool/volume") a person confirmed for renaming in a <see cref="ClusterTaskKinds.VmRename"/> task.</summary>
    public const string RenameVolumesArgument = "volumes";

    /// <summary>
    /// The checks of a VM's rename, before anything changes, and the volumes it renames: the VM is stopped (stop,
    /// disable or mirror), the new name is valid and free, and each RBD volume of its disks that the cluster records
    /// and whose name holds the VM's name gets the new name in its place; the new volume names are valid and free, and
    /// no other defined VM has one of the volumes (its disk would point at nothing). Empty when nothing is renamed in Ceph.
    /// </summary>
    /// <exception cref="PvcException">NotFound: "VmNotFound"; InvalidOperation: "VmNotStopped", "VolumeInUse", "VmBeingRemoved" (a vm.remove task of it is Pending or Running);
    /// InvalidArgument: "InvalidVmName", "InvalidVolumeName"; AlreadyExists: "VmExists", "VolumeExists".</exception>
    public async Task<IReadOnlyList<VolumeRename>> PlanRenameAsync(VmRef vm, string newName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        VmName.Validate(newName);
        var found = await GetAsync(vm.Uuid, cancellationToken);
        if (found.State is not (VmState.Stop or VmState.Disable or VmState.Mirror))
            throw NotStoppedForRename(found.Name, found.State);
        // a removal deletes the volumes by their names: renamed under it, they would stay in Ceph without keys
        var marker = new Reading.ZnodeBatch(Zk).Data(TaskKeys.VmRemoval(vm.Uuid));
        await marker.ReadAsync(cancellationToken);
        await VmRemovalMarker.RefuseIfActiveAsync(cluster, vm, marker.Text(TaskKeys.VmRemoval(vm.Uuid)), RenameRefused, cancellationToken);
        if (newName == found.Name)
            return [];
        await RequireFreeNameAsync(newName, cancellationToken);
        var renames = new List<VolumeRename>();
        foreach (var spec in found.Disks.Where(d => d.Type == RbdDiskSource.Protocol).Select(d => d.Source).Distinct(StringComparer.Ordinal))
        {
            var (pool, volume) = VolumeSpec.Parse(spec);
            if (!volume.Contains(found.Name, StringComparison.Ordinal) || await Zk.ExistsAsync(CephKeys.Volume.Root($"{pool}/{volume}"), cancellationToken: cancellationToken) is null)
                continue;
            var to = volume.Replace(found.Name, newName, StringComparison.Ordinal);
            VolumeSpec.Parse($"{pool}/{to}");
            renames.Add(new VolumeRename(pool, volume, to));
        }
        await new StorageOperations(cluster).CheckRenameVmVolumesAsync(found.Uuid, found.Name, renames, cancellationToken);
        return renames;
    }

    /// <summary>
    /// <see cref="PlanRenameAsync"/>, and its volumes are still those confirmed (<paramref name="confirmed"/>, "pool/volume"
    /// in any order): a rename renames only what a person was asked about.
    /// </summary>
    /// <exception cref="PvcException">As <see cref="PlanRenameAsync"/>; WriteConflict "VmChangedMeanwhile" when the volumes differ.</exception>
    public async Task<IReadOnlyList<VolumeRename>> CheckRenameConfirmedAsync(VmRef vm, string newName, IReadOnlyList<string> confirmed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(confirmed);
        var renames = await PlanRenameAsync(vm, newName, cancellationToken);
        if (!renames.Select(r => r.From).Order(StringComparer.Ordinal).SequenceEqual(confirmed.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), StringComparer.Ordinal))
            throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.VmChangedMeanwhile,
                $"The VM '{vm.Name}''s rename would rename the volume(s) {Describe([.. renames.Select(r => r.From)])} now, not {Describe(confirmed)} as confirmed: nothing was renamed. Rename it again to confirm what it has now.") { Target = vm.Name };
        return renames;
    }

    /// <summary>
    /// Submits <c>vm.rename</c> to the primary (which reaches Ceph) with the volumes a person confirmed
    /// (<paramref name="volumes"/>, from <see cref="PlanRenameAsync"/>), once <see cref="CheckRenameConfirmedAsync"/> passes;
    /// the primary checks again before it renames anything.
    /// </summary>
    /// <exception cref="PvcException">As <see cref="CheckRenameConfirmedAsync"/>; the task store's refusals (<see cref="ClusterTaskStore.SubmitAsync"/>).</exception>
    public async Task<ClusterTask> SubmitRenameAsync(VmRef vm, string newName, IReadOnlyList<VolumeRename> volumes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        var confirmed = await CheckRenameConfirmedAsync(vm, newName, [.. volumes.Select(v => v.From)], cancellationToken);
        return await cluster.Tasks.SubmitAsync(ClusterTaskKinds.VmRename, new JsonObject
        {
            [RenameVmArgument] = vm.Uuid.ToString(),
            [RenameNewNameArgument] = newName,
            [RenameVolumesArgument] = new JsonArray([.. confirmed.Select(v => (JsonNode)v.From)]),
        }, null, cancellationToken);
    }

    /// <summary>
    /// Renames a stopped VM in the cluster's keys alone: its name, its XML's name element and rbdlist. A VM with RBD
    /// volumes named after it is refused ("VmVolumesNeedRenaming": they are renamed in Ceph by <see cref="SubmitRenameAsync"/>)
    /// unless <paramref name="keepVolumeNames"/>, when they keep their names.
    /// </summary>
    /// <exception cref="PvcException">As <see cref="PlanRenameAsync"/>; InvalidOperation "VmVolumesNeedRenaming"; the XML's refusals; WriteConflict when the VM changed meanwhile.</exception>
    public async Task<VmRef> RenameAsync(VmRef vm, string newName, bool keepVolumeNames = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        VmName.Validate(newName);
        if (!keepVolumeNames && await PlanRenameAsync(vm, newName, cancellationToken) is { Count: > 0 } renames)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VmVolumesNeedRenaming,
                $"The VM '{vm.Name}' has RBD volume(s) named after it ({string.Join(", ", renames)}), which its rename renames in Ceph too, as a cluster task on a node with Ceph; or keep their names to rename the VM alone.") { Target = vm.Name };
        return await CommitRenameAsync(vm, newName, [], new Dictionary<string, RbdImageSample>(), cancellationToken);
    }

    /// <summary>
    /// Writes a rename once Ceph has renamed <paramref name="volumes"/> (each one's rbd info under its new "pool/volume" in
    /// <paramref name="infos"/>): the VM's name, its XML (name element, and the renamed disks' sources), rbdlist, and the
    /// volumes' keys moved, in one transaction that fails if the VM or a volume's key changed since they were read.
    /// </summary>
    /// <exception cref="PvcException">InvalidOperation "VmNotStopped", "VmBeingRemoved"; AlreadyExists "VmExists"; the XML's refusals; WriteConflict when the VM or a volume changed meanwhile.</exception>
    public async Task<VmRef> CommitRenameAsync(VmRef vm, string newName, IReadOnlyList<VolumeRename> volumes, IReadOnlyDictionary<string, RbdImageSample> infos, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(volumes);
        ArgumentNullException.ThrowIfNull(infos);
        VmName.Validate(newName);
        // the volumes' roots are read with the VM's keys: a claim of one by another VM meanwhile fails the write
        // and the VM's removal marker: a removal submitted since the plan (which rewrites the state key) fails the write
        var marker = TaskKeys.VmRemoval(vm.Uuid);
        var read = await ReadAsync(vm, volumes.Select(v => CephKeys.Volume.Root(v.From)).Append(marker), cancellationToken, DomainKeys.State, DomainKeys.Xml);
        var state = StateOf(read, vm);
        if (state is not (VmState.Stop or VmState.Disable or VmState.Mirror))
            throw NotStoppedForRename(vm.Name, state);
        await VmRemovalMarker.RefuseIfActiveAsync(cluster, vm, read[marker], RenameRefused, cancellationToken);
        if (newName == vm.Name && volumes.Count == 0)
            return vm;
        if (newName != vm.Name)
            await RequireFreeNameAsync(newName, cancellationToken);
        var newXml = WithName(vm, read[P(vm, DomainKeys.Xml)], newName, volumes);
        // the renamed XML is written like any other: a VM defined before the allow-list (or by PVC) is held to it now
        var (xml, uses) = ParseForWrite(newXml);
        var allowed = await RequireAllowedAsync(xml, uses, cancellationToken);
        var keys = new StorageHostOperations(cluster);
        var volumeOps = new List<Op>();
        foreach (var v in volumes)
            volumeOps.AddRange(await keys.RenameVolumeOpsAsync(v.Pool, v.Volume, v.NewName,
                infos.GetValueOrDefault(v.To) ?? throw new ArgumentException($"No rbd info for {v.To}.", nameof(infos)), cancellationToken));
        await CommitAsync(vm, read,
        [
            .. allowed.Checks,
            Op.SetData(P(vm, DomainKeys.Root), Utf8(newName)),
            Op.SetData(P(vm, DomainKeys.Xml), Utf8(newXml)),
            // PVC writes a key outside its schema here, so its rbdlist goes stale; this keeps it right
            Op.SetData(P(vm, DomainKeys.StorageVolumes), Utf8(PvcList.EncodeComma(xml.RbdVolumes))),
            .. volumeOps,
        ], cancellationToken);
        return vm with { Name = newName };
    }

    private const string RenameRefused = "it cannot be renamed (its volumes would be deleted under their old names)";

    private static PvcException NotStoppedForRename(string name, VmState state) =>
        new(PvcErrorKind.InvalidOperation, PvcErrorIds.VmNotStopped, $"The VM '{name}' is {Wire.VmState.Describe(state)}; only a stopped VM can be renamed. Stop it first.") { Target = name };
}
