using System.Text.Json.Nodes;
using Pvc.Core.Errors;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;

namespace Pvc.Core.Vms;

// PVC's vm remove (the API's DELETE /vm/<vm> with delete_disks, remove_vm): a cluster task on the primary that stops
// the VM, removes its RBD volumes from Ceph, then its keys and its volumes' in one transaction.
public sealed partial class VmOperations
{
    /// <summary>The arguments' key of the VM's UUID in a <see cref="ClusterTaskKinds.VmRemove"/> task.</summary>
    public const string RemoveVmArgument = "vm";

    /// <summary>
    /// The checks of a VM's removal with its volumes, before anything changes: the VM exists, each RBD disk of its XML
    /// names a volume by Pvc's rules, and no other defined VM has one of them among its disks (PVC would delete a disk
    /// from under that VM). Returns the volumes ("pool/volume", in the XML's order) that the removal deletes.
    /// </summary>
    /// <exception cref="PvcException">NotFound: "VmNotFound"; InvalidArgument: "InvalidPoolName", "InvalidVolumeName"; InvalidOperation: "VolumeInUse".</exception>
    public async Task<IReadOnlyList<string>> CheckRemoveAsync(VmRef vm, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var found = await GetAsync(vm.Uuid, cancellationToken);
        // every name is checked before anything reaches Ceph: the XML may have been written past Core
        var volumes = found.Disks.Where(d => d.Type == RbdDiskSource.Protocol).Select(d => VolumeSpec.Parse(d.Source))
            .Select(v => $"{v.Pool}/{v.Volume}").Distinct(StringComparer.Ordinal).ToList();
        await new StorageOperations(cluster).CheckRemoveVmVolumesAsync(found.Uuid, found.Name, volumes, cancellationToken);
        return volumes;
    }

    /// <summary>The arguments' key of the volumes ("pool/volume") a person confirmed for deletion in a <see cref="ClusterTaskKinds.VmRemove"/> task.</summary>
    public const string RemoveVolumesArgument = "volumes";

    /// <summary>
    /// <see cref="CheckRemoveAsync"/>, and the VM's volumes are still those confirmed (<paramref name="confirmed"/>, in any
    /// order): a removal deletes only what a person was asked about.
    /// </summary>
    /// <exception cref="PvcException">As <see cref="CheckRemoveAsync"/>; WriteConflict "VmChangedMeanwhile" when the VM's volumes differ from <paramref name="confirmed"/>.</exception>
    public async Task<IReadOnlyList<string>> CheckRemoveConfirmedAsync(VmRef vm, IReadOnlyList<string> confirmed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(confirmed);
        var volumes = await CheckRemoveAsync(vm, cancellationToken);
        if (!volumes.Order(StringComparer.Ordinal).SequenceEqual(confirmed.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), StringComparer.Ordinal))
            throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.VmChangedMeanwhile,
                $"The VM '{vm.Name}''s RBD volumes are {Describe(volumes)} now, not {Describe(confirmed)} as confirmed for its removal: nothing was stopped or deleted. Remove it again to confirm what it has now.") { Target = vm.Name };
        return volumes;
    }

    /// <summary>
    /// Submits <c>vm.remove</c> for a VM to the primary (which reaches Ceph, as every node with storage does), with the
    /// volumes a person confirmed (<paramref name="volumes"/>, from <see cref="CheckRemoveAsync"/>), once
    /// <see cref="CheckRemoveConfirmedAsync"/> passes; the primary checks again before it changes anything, and deletes
    /// nothing when the VM's volumes are no longer those.
    /// </summary>
    /// <exception cref="PvcException">As <see cref="CheckRemoveConfirmedAsync"/>; the task store's refusals (<see cref="ClusterTaskStore.SubmitAsync"/>).</exception>
    public async Task<ClusterTask> SubmitRemoveAsync(VmRef vm, IReadOnlyList<string> volumes, CancellationToken cancellationToken = default)
    {
        var confirmed = await CheckRemoveConfirmedAsync(vm, volumes, cancellationToken);
        return await cluster.Tasks.SubmitAsync(ClusterTaskKinds.VmRemove, new JsonObject
        {
            [RemoveVmArgument] = vm.Uuid.ToString(),
            [RemoveVolumesArgument] = new JsonArray([.. confirmed.Select(v => (JsonNode)v)]),
        }, null, cancellationToken);
    }

    private static string Describe(IReadOnlyList<string> volumes) => volumes.Count == 0 ? "none" : string.Join(", ", volumes);
}
