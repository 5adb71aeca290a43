using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Storage;

/// <summary>
/// The guest side of volume.resize, on the VM's node (PVC's <c>blockResize</c> through <c>qemu+tcp://&lt;node&gt;/system</c>;
/// here the task runs on that node and uses its own libvirt connection): the disk of the running domain whose RBD
/// source is the volume, found by its target in the live XML, is resized with <c>virDomainBlockResize</c>, so that
/// QEMU's block device and the guest see the new size at once. A VM that no longer runs here, or whose running
/// definition lacks the disk (added to its stored XML since it started), or whose disk libvirt does not resize, is left
/// to see the size at its next start (a warning; the task still records the grown volume).
/// </summary>
public sealed class GuestVolumeResize(Hypervisor hypervisor, ILogger<GuestVolumeResize> log) : IGuestVolumeResize
{
    /// <inheritdoc />
    public Task ResizeAsync(Guid vm, string pool, string volume, long sizeBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeBytes);
        var image = $"{pool}/{volume}";
        var xml = hypervisor.LiveXml(vm);
        if (xml is null)
        {
            log.LogWarning("Volume {Volume} grew, but VM {Vm} no longer runs on this node: its guest sees the new size after its next start", image, vm);
            return Task.CompletedTask;
        }
        var domain = XDocument.Parse(xml).Root!;
        var name = domain.Element("name")?.Value ?? vm.ToString();
        if (TargetOf(domain, image) is not { } target)
        {
            log.LogWarning("Volume {Volume} grew, but the running VM {Vm} has no disk of it (added since it started): its guest sees the new size after its next start", image, name);
            return Task.CompletedTask;
        }
        try
        {
            hypervisor.BlockResize(vm, target, (ulong)sizeBytes);
        }
        catch (Exception e) when (e is LibvirtException or HypervisorUnreachableException)
        {
            // the image has grown already: the task goes on to record its size rather than fail with the keys stale
            log.LogWarning("Volume {Volume} grew, but libvirt did not resize disk {Target} of the running VM {Vm}: {Reason}; its guest sees the new size after its next start",
                image, target, name, e.Message);
            return Task.CompletedTask;
        }
        log.LogInformation("Resized disk {Target} of VM {Vm} ({Volume}) to {Bytes} bytes in the running guest", target, name, image, sizeBytes);
        return Task.CompletedTask;
    }

    /// <summary>The target (<c>vda</c>, <c>sdb</c>) of the domain's RBD disk whose image is <paramref name="image"/>, or null.</summary>
    internal static string? TargetOf(XElement domain, string image) =>
        domain.Element("devices")?.Elements("disk")
            .Where(d => (string?)d.Attribute("type") == "network")
            .Where(d => d.Element("source") is { } s && (string?)s.Attribute("protocol") == "rbd" && (string?)s.Attribute("name") == image)
            .Select(d => (string?)d.Element("target")?.Attribute("dev"))
            .FirstOrDefault(t => t is { Length: > 0 } && t.All(char.IsAsciiLetterOrDigit));
}
