using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

// RBD volumes as a VM's disks: PVC's vm volume add and vm volume remove, live on a running VM as PVC's --live does.
public sealed partial class VmOperations
{
    /// <summary>
    /// Adds an RBD volume (<paramref name="volume"/>: <c>pool/volume</c>, which must exist and be no other VM's disk) to a
    /// VM's stored XML as PVC's <c>vm volume add</c> does (see <see cref="VmDiskXml"/>: a copy of its last RBD disk, the
    /// next free guest device of the bus, bus scsi by default), through every check of a modified XML, in one transaction
    /// that also checks the XML and the volume have not changed. A running VM gets the disk now from its node (libvirt's
    /// attach, with <paramref name="live"/>, the default, as PVC's <c>--live</c>), and the XML is written only once libvirt
    /// has attached it; without <paramref name="live"/> it gets it at its next start, or now with <paramref name="restart"/>.
    /// </summary>
    /// <returns>The guest device the disk got, and when the guest sees it.</returns>
    /// <exception cref="PvcException">NotFound "PoolNotFound", "VolumeNotFound"; InvalidOperation "VolumeAlreadyAttached", "VolumeInUse", "NoRbdDiskTemplate", "DiskTargetInUse", "NoFreeDiskTarget", "LiveChangeRefused"; InvalidArgument "InvalidDiskBus", "InvalidDiskTarget".</exception>
    public async Task<(string Target, VmChangeEffect Effect)> AddVolumeAsync(VmRef vm, string volume, string? bus = null, string? target = null, bool restart = false,
        CancellationToken cancellationToken = default, bool live = true)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var (pool, name) = SplitVolume(volume);
        var item = $"{pool}/{name}";
        await new VolumeReader(cluster).GetAsync(pool, name, cancellationToken);
        var read = await ReadWithVolumeAsync(vm, item, cancellationToken);
        var (xml, device) = VmDiskXml.Add(vm, StoredXml(vm, read), item, bus, target);
        // a second VM writing one RBD image corrupts it: PVC checks only the VM's own disks, Pvc every VM's
        var owner = (await VmReader.ListAsync(Zk, cancellationToken: cancellationToken))
            .FirstOrDefault(v => v.Uuid != vm.Uuid && v.Disks.Any(d => d.Type == "rbd" && d.Source == item));
        if (owner is not null)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VolumeInUse,
                $"The volume {item} is a disk of the VM '{owner.Name}' already: two VMs writing one RBD image corrupt it. Remove it from that VM first.") { Target = vm.Name };
        if (VolumeOwnerChecked is { } checkedHook)
            await checkedHook(vm, cancellationToken);
        var change = live ? VmDiskXml.LiveChange(vm, xml, device, attach: true) : null;
        // the commit claims the volume: its own key is written (same data) at the version read before the check above,
        // so a concurrent add of it to another VM, whose check could not see this one, fails its commit (and its retry
        // sees this VM as the owner)
        var volumeKey = CephKeys.Volume.Root(item);
        var claim = Op.SetData(volumeKey, Utf8(read[volumeKey] ?? ""), read.VersionOf(volumeKey));
        return (device, await WriteXmlAsync(vm, read, xml, restart, cancellationToken, change, extra: [claim]));
    }

    /// <summary>
    /// Removes the disk of an RBD volume (<c>pool/volume</c>) from a VM's stored XML (PVC's <c>vm volume remove</c>); the
    /// volume itself stays. A running VM loses it now on its node (libvirt's detach, with <paramref name="live"/>), and the
    /// XML is written only once libvirt has detached it; otherwise at its next start, or now with <paramref name="restart"/>.
    /// </summary>
    /// <exception cref="PvcException">NotFound "VolumeNotAttached"; InvalidOperation "LiveChangeRefused".</exception>
    public async Task<VmChangeEffect> RemoveVolumeAsync(VmRef vm, string volume, bool restart = false, CancellationToken cancellationToken = default, bool live = true)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var (pool, name) = SplitVolume(volume);
        var item = $"{pool}/{name}";
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.State, DomainKeys.Node, DomainKeys.Xml);
        var stored = StoredXml(vm, read);
        var xml = VmDiskXml.Remove(vm, stored, item);
        // one disk of the volume (the usual case) is detached live; a volume on two devices waits for the restart
        var change = live && VmDiskXml.TargetsOf(vm, stored, item) is [var device] ? VmDiskXml.LiveChange(vm, stored, device, attach: false) : null;
        return await WriteXmlAsync(vm, read, xml, restart, cancellationToken, change);
    }

    /// <summary>Test hook: runs after an added volume's owner check (or a define's or new XML's, <see cref="ClaimVolumesAsync"/>), before the commit that claims it.</summary>
    internal Func<VmRef, CancellationToken, Task>? VolumeOwnerChecked { get; set; }

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
