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

    /// <summary>
    /// Submits <c>vm.remove</c> for a VM to the primary (which reaches Ceph, as every node with storage does), once
    /// <see cref="CheckRemoveAsync"/> passes; the primary checks again before it changes anything.
    /// </summary>
    /// <exception cref="PvcException">As <see cref="CheckRemoveAsync"/>; the task store's refusals (<see cref="ClusterTaskStore.SubmitAsync"/>).</exception>
    public async Task<ClusterTask> SubmitRemoveAsync(VmRef vm, CancellationToken cancellationToken = default)
    {
        await CheckRemoveAsync(vm, cancellationToken);
        return await cluster.Tasks.SubmitAsync(ClusterTaskKinds.VmRemove, new JsonObject { [RemoveVmArgument] = vm.Uuid.ToString() }, null, cancellationToken);
    }
}
