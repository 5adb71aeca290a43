using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Storage;

namespace Pvc.Core.Vms;

// RBD volumes as a VM's disks: PVC's vm volume add and vm volume remove (stored definition; no live attach yet).
public sealed partial class VmOperations
{
    /// <summary>
    /// Adds an RBD volume (<paramref name="volume"/>: <c>pool/volume</c>, which must exist) to a VM's stored XML as PVC's <c>vm volume add</c> does
    /// (see <see cref="VmDiskXml"/>: a copy of its last RBD disk, the next free guest device, bus scsi by default), through
    /// every check of a modified XML, in one transaction that also checks the XML and the volume have not changed.
    /// </summary>
    /// <returns>The guest device the disk got, and when the guest sees it.</returns>
    /// <exception cref="PvcException">NotFound "PoolNotFound", "VolumeNotFound"; InvalidOperation "VolumeAlreadyAttached", "NoRbdDiskTemplate", "DiskTargetInUse", "NoFreeDiskTarget"; InvalidArgument "InvalidDiskBus", "InvalidDiskTarget".</exception>
    public async Task<(string Target, VmChangeEffect Effect)> AddVolumeAsync(VmRef vm, string volume, string? bus = null, string? target = null, bool restart = false, CancellationToken cancellationToken = default)
    {
        var (pool, name) = SplitVolume(volume);
        var item = $"{pool}/{name}";
        await new VolumeReader(cluster).GetAsync(pool, name, cancellationToken);
        var read = await ReadWithVolumeAsync(vm, item, cancellationToken);
        var (xml, device) = VmDiskXml.Add(vm, StoredXml(vm, read), item, bus, target);
        return (device, await WriteXmlAsync(vm, read, xml, restart, cancellationToken));
    }

    /// <summary>Removes the disk of an RBD volume (<c>pool/volume</c>) from a VM's stored XML (PVC's <c>vm volume remove</c>); the volume itself stays.</summary>
    /// <exception cref="PvcException">NotFound "VolumeNotAttached".</exception>
    public async Task<VmChangeEffect> RemoveVolumeAsync(VmRef vm, string volume, bool restart = false, CancellationToken cancellationToken = default)
    {
        var (pool, name) = SplitVolume(volume);
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.State, DomainKeys.Node, DomainKeys.Xml);
        return await WriteXmlAsync(vm, read, VmDiskXml.Remove(vm, StoredXml(vm, read), $"{pool}/{name}"), restart, cancellationToken);
    }

    private async Task<Reading.VersionedKeys> ReadWithVolumeAsync(VmRef vm, string item, CancellationToken cancellationToken)
    {
        var read = await Reading.VersionedKeys.ReadAsync(Zk, [BaseKeys.SchemaVersion, P(vm, DomainKeys.Root), P(vm, DomainKeys.State), P(vm, DomainKeys.Node), P(vm, DomainKeys.Xml), CephKeys.Volume.Root(item)], cancellationToken);
        SchemaVersion.EnsureSupported(read[BaseKeys.SchemaVersion]);
        if (read[CephKeys.Volume.Root(item)] is null)
            throw StorageErrors.VolumeNotFound(item.Split('/')[0], item.Split('/')[1]);
        return read;
    }

    /// <summary>PVC's <c>pool/volume</c> form.</summary>
    private static (string Pool, string Name) SplitVolume(string volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var parts = volume.Split('/');
        return parts is [{ Length: > 0 } pool, { Length: > 0 } name] ? (pool, name) : throw StorageErrors.VolumeNotFound(null, volume);
    }

    private static string StoredXml(VmRef vm, Reading.VersionedKeys read)
    {
        if (read[P(vm, DomainKeys.Root)] is null)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"The VM '{vm.Name}' no longer exists.") { Target = vm.Name };
        return read[P(vm, DomainKeys.Xml)] is { Length: > 0 } text ? text
            : throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.VmXmlMissing, $"The VM '{vm.Name}' has no XML.") { Target = vm.Name };
    }
}
