using System.Xml.Linq;
using Pvc.Core.Errors;

namespace Pvc.Core.Vms;

/// <summary>
/// A VM's stored domain XML with an RBD volume added or removed as PVC's <c>vm volume add</c> and <c>vm volume remove</c>
/// do it: a new disk is a copy of the VM's last RBD disk (its auth, monitors and driver) with the new image, guest device
/// and bus, placed after the last disk; its device is the first free letter of its bus's prefix (sd for scsi, sata and
/// usb, vd for virtio, hd for ide: sdb after sda) unless one is given. The layout of the rest is kept.
/// </summary>
internal static class VmDiskXml
{
    /// <summary>PVC's default bus for an added volume (<c>--bus</c>).</summary>
    public const string DefaultBus = "scsi";

    private static IReadOnlyList<string> Buses => VmLiveChange.DiskBuses;

    /// <summary>The new XML with <paramref name="volume"/> (pool/name) attached, and the guest device it got.</summary>
    /// <exception cref="PvcException">InvalidArgument "InvalidDiskBus", "InvalidDiskTarget"; InvalidOperation "VolumeAlreadyAttached", "NoRbdDiskTemplate", "DiskTargetInUse", "NoFreeDiskTarget".</exception>
    public static (string Xml, string Target) Add(VmRef vm, string stored, string volume, string? bus, string? target)
    {
        bus ??= DefaultBus;
        if (!Buses.Contains(bus, StringComparer.Ordinal))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidDiskBus, $"The bus '{bus}' is not one of {string.Join(", ", Buses)}.") { Target = vm.Name };
        if (target is not null && !VmLiveChange.TargetPattern().IsMatch(target))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidDiskTarget, $"The guest device '{target}' is not a device name such as sdb or vdc.") { Target = vm.Name };
        var doc = VmResourceXml.Load(vm, stored);
        var devices = doc.Root!.Element("devices") ?? throw NoTemplate(vm);
        var disks = devices.Elements("disk").Where(d => (string?)d.Attribute("device") is null or "disk").ToList();
        var rbd = disks.Where(IsRbd).ToList();
        if (rbd.Any(d => d.Element("source")?.Attribute("name")?.Value == volume))
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VolumeAlreadyAttached, $"The volume {volume} is already a disk of the VM '{vm.Name}'.") { Target = vm.Name };
        var template = rbd.LastOrDefault() ?? throw NoTemplate(vm);
        var used = disks.Select(d => d.Element("target")?.Attribute("dev")?.Value).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (target is null)
        {
            var prefix = PrefixOf(bus);
            target = Enumerable.Range('a', 25).Select(c => prefix + (char)c).FirstOrDefault(t => !used.Contains(t))
                ?? throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.NoFreeDiskTarget, $"The VM '{vm.Name}' has no free {prefix}a..{prefix}y device; give -Target.") { Target = vm.Name };
        }
        else if (used.Contains(target))
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.DiskTargetInUse, $"The VM '{vm.Name}' has a disk on {target} already.") { Target = vm.Name };

        var disk = new XElement(template);
        disk.Element("source")!.SetAttributeValue("name", volume);
        var targetElement = disk.Element("target");
        if (targetElement is null)
            disk.Add(targetElement = new XElement("target"));
        targetElement.SetAttributeValue("dev", target);
        targetElement.SetAttributeValue("bus", bus);
        // a copied PCI or drive address would clash with the template's own
        disk.Element("address")?.Remove();
        disks.Last().AddAfterSelf(disk);
        return (doc.ToString(SaveOptions.DisableFormatting), target);
    }

    /// <summary>The new XML without the disk whose RBD image is <paramref name="volume"/>.</summary>
    /// <exception cref="PvcException">NotFound "VolumeNotAttached".</exception>
    public static string Remove(VmRef vm, string stored, string volume)
    {
        var doc = VmResourceXml.Load(vm, stored);
        var disks = doc.Root!.Element("devices")?.Elements("disk").Where(d => IsRbd(d) && d.Element("source")?.Attribute("name")?.Value == volume).ToList() ?? [];
        if (disks.Count == 0)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VolumeNotAttached, $"The volume {volume} is not a disk of the VM '{vm.Name}'.") { Target = vm.Name };
        foreach (var disk in disks)
        {
            // the whitespace before it goes with it, so the layout stays as it was
            if (disk.PreviousNode is XText { Value: var text } space && string.IsNullOrWhiteSpace(text))
                space.Remove();
            disk.Remove();
        }
        return doc.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>The guest device prefix of a bus, as PVC names a new disk: vd for virtio, hd for ide, sd for the rest.</summary>
    public static string PrefixOf(string bus) => bus switch
    {
        "virtio" => "vd",
        "ide" => "hd",
        _ => "sd",
    };

    /// <summary>
    /// The live change that attaches (or, with <paramref name="attach"/> false, detaches) the RBD disk on guest device
    /// <paramref name="target"/> of <paramref name="xml"/>, with the values of that disk; null when there is no such disk
    /// or its values are not ones a live change takes (the change then waits for the VM's restart).
    /// </summary>
    public static VmLiveChange? LiveChange(VmRef vm, string xml, string target, bool attach)
    {
        var doc = VmResourceXml.Load(vm, xml);
        var disk = doc.Root!.Element("devices")?.Elements("disk").FirstOrDefault(d => IsRbd(d) && d.Element("target")?.Attribute("dev")?.Value == target);
        if (disk?.Element("source") is not { } source)
            return null;
        var monitors = string.Join(',', source.Elements("host").Select(h => (string?)h.Attribute("port") is { } port ? $"{(string?)h.Attribute("name")} {port}" : (string?)h.Attribute("name")));
        var auth = disk.Element("auth");
        var change = new VmLiveChange
        {
            Kind = attach ? VmLiveChangeKind.AttachDisk : VmLiveChangeKind.DetachDisk,
            Vm = vm.Uuid,
            Volume = (string?)source.Attribute("name"),
            Target = target,
            Bus = (string?)disk.Element("target")?.Attribute("bus"),
            Monitors = monitors.Length > 0 ? monitors : null,
            CephUser = (string?)auth?.Attribute("username"),
            CephSecret = (string?)auth?.Element("secret")?.Attribute("uuid"),
            Cache = (string?)disk.Element("driver")?.Attribute("cache"),
            Discard = (string?)disk.Element("driver")?.Attribute("discard"),
            Format = (string?)disk.Element("driver")?.Attribute("type"),
        };
        try
        {
            change.Validate();
            return change;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The guest devices of the RBD disks of <paramref name="volume"/> in <paramref name="xml"/>.</summary>
    public static IReadOnlyList<string> TargetsOf(VmRef vm, string xml, string volume) =>
        [.. VmResourceXml.Load(vm, xml).Root!.Element("devices")?.Elements("disk")
            .Where(d => IsRbd(d) && d.Element("source")?.Attribute("name")?.Value == volume)
            .Select(d => d.Element("target")?.Attribute("dev")?.Value).OfType<string>() ?? []];

    private static bool IsRbd(XElement disk) =>
        (string?)disk.Attribute("type") == "network" && (string?)disk.Element("source")?.Attribute("protocol") == RbdDiskSource.Protocol;

    private static PvcException NoTemplate(VmRef vm) =>
        new(PvcErrorKind.InvalidOperation, PvcErrorIds.NoRbdDiskTemplate,
            $"The VM '{vm.Name}' has no RBD disk to copy the Ceph monitors and authentication from (as PVC, the new disk is made from one); add the first one to its definition.") { Target = vm.Name };
}
