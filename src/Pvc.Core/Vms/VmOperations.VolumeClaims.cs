using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

// A VM's RBD volumes claimed by its define and by a new XML, as Add-PvcVmVolume claims the one it adds.
public sealed partial class VmOperations
{
    /// <summary>
    /// Checks that no other defined VM has one of <paramref name="volumes"/> ("pool/volume") among its disks, and returns
    /// the operations that claim them in the caller's commit: each volume's own key, read before that check, written
    /// again (same data) at the version read, so that a concurrent define, XML change or volume add of one of them for
    /// another VM, whose check could not see this one, fails its commit (and its retry sees this VM as the owner). A
    /// volume PVC's keys do not hold is not claimed (PVC's define takes disks it does not know; nothing of Pvc can
    /// attach such an image to a second VM before it exists in the keys).
    /// </summary>
    /// <exception cref="Errors.PvcException">InvalidOperation: "VolumeInUse"; InvalidArgument: "InvalidPoolName", "InvalidVolumeName".</exception>
    private async Task<IReadOnlyList<Op>> ClaimVolumesAsync(VmRef vm, IReadOnlyList<string> volumes, CancellationToken cancellationToken)
    {
        // every name is checked before it reaches a key's path
        var specs = volumes.Select(VolumeSpec.Parse).Select(v => $"{v.Pool}/{v.Volume}").Distinct(StringComparer.Ordinal).ToList();
        if (specs.Count == 0)
            return [];
        var keys = specs.Select(CephKeys.Volume.Root).ToList();
        var read = await VersionedKeys.ReadAsync(Zk, keys, cancellationToken);
        await new StorageOperations(cluster).CheckVmVolumesFreeAsync(vm.Uuid, vm.Name, specs, cancellationToken);
        if (VolumeOwnerChecked is { } checkedHook)
            await checkedHook(vm, cancellationToken);
        return [.. keys.Where(k => read.VersionOf(k) >= 0).Select(k => Op.SetData(k, Utf8(read[k] ?? ""), read.VersionOf(k)))];
    }

    /// <summary>Whether a claimed volume's key changed since its claim was made (the claim, not the allow-list, failed a define's commit).</summary>
    private async Task<bool> ClaimsChangedAsync(IReadOnlyList<Op> claims, CancellationToken cancellationToken)
    {
        if (claims.Count == 0)
            return false;
        var now = await VersionedKeys.ReadAsync(Zk, claims.Select(c => c.Path), cancellationToken);
        return claims.OfType<SetDataOp>().Any(c => now.VersionOf(c.Path) != c.Version);
    }
}
