using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Pvc.Core.Errors;

namespace Pvc.Core.Vms;

/// <summary>
/// What Pvc reads from a VM's libvirt domain XML (the source of truth PVC stores in <c>/xml</c>):
/// name, UUID, memory, vCPUs, description, disks and NICs.
/// </summary>
public sealed record DomainXml
{
    /// <summary>The domain name.</summary>
    public required string Name { get; init; }
    /// <summary>The domain UUID.</summary>
    public required Guid Uuid { get; init; }
    /// <summary>Memory in MiB (converted from the unit given; libvirt's default unit is KiB).</summary>
    public required long MemoryMiB { get; init; }
    /// <summary>vCPUs.</summary>
    public required int Vcpus { get; init; }
    /// <summary>The description element, if any.</summary>
    public string? Description { get; init; }
    /// <summary>Disks.</summary>
    public IReadOnlyList<VmDisk> Disks { get; init; } = [];
    /// <summary>Network interfaces.</summary>
    public IReadOnlyList<VmNic> Nics { get; init; } = [];

    /// <summary>The RBD images (pool/volume) of the disks: PVC's <c>/rbdlist</c>.</summary>
    public IReadOnlyList<string> RbdVolumes => [.. Disks.Where(d => d.Type == "rbd").Select(d => d.Source)];

    /// <summary>Parses and validates domain XML; a <see cref="PvcArgumentException"/> names what is wrong.</summary>
    public static DomainXml Parse(string xml)
    {
        XElement root;
        try
        {
            root = XDocument.Parse(xml, LoadOptions.None).Root ?? throw new XmlException("no root element");
        }
        catch (XmlException e)
        {
            throw new PvcArgumentException("InvalidXml", $"The VM definition is not well-formed XML: {e.Message}");
        }
        if (root.Name.LocalName != "domain")
            throw new PvcArgumentException("InvalidXml", $"The VM definition's root element is <{root.Name.LocalName}>; libvirt domain XML has <domain>.");
        var name = root.Element("name")?.Value.Trim();
        VmName.Validate(name);
        var uuidText = root.Element("uuid")?.Value.Trim();
        if (string.IsNullOrEmpty(uuidText))
            throw new PvcArgumentException("InvalidXml", $"The VM '{name}' has no <uuid>; Pvc keys VMs by UUID, so give it one.") { Target = name };
        if (!Guid.TryParse(uuidText, out var uuid) || uuid == Guid.Empty)
            throw new PvcArgumentException("InvalidXml", $"The VM '{name}' has the UUID '{uuidText}', which is not a valid UUID.") { Target = name };
        var memory = root.Element("memory");
        var memoryMiB = memory is null ? null : ToMiB(memory.Value.Trim(), (string?)memory.Attribute("unit"));
        if (memoryMiB is not > 0)
            throw new PvcArgumentException("InvalidXml", $"The VM '{name}' has no valid <memory> (a positive number, with an optional unit attribute).") { Target = name };
        var vcpuText = root.Element("vcpu")?.Value.Trim();
        if (!int.TryParse(vcpuText, NumberStyles.None, CultureInfo.InvariantCulture, out var vcpus) || vcpus < 1)
            throw new PvcArgumentException("InvalidXml", $"The VM '{name}' has no valid <vcpu> (a positive whole number); it has '{vcpuText}'.") { Target = name };
        var devices = root.Element("devices");
        return new DomainXml
        {
            Name = name!,
            Uuid = uuid,
            MemoryMiB = memoryMiB.Value,
            Vcpus = vcpus,
            Description = root.Element("description")?.Value,
            Disks = [.. (devices?.Elements("disk") ?? []).Where(d => (string?)d.Attribute("device") is null or "disk").Select(ParseDisk)],
            Nics = [.. (devices?.Elements("interface") ?? []).Select(ParseNic)],
        };
    }

    private static VmDisk ParseDisk(XElement disk)
    {
        var type = (string?)disk.Attribute("type") ?? "";
        var source = disk.Element("source");
        var protocol = (string?)source?.Attribute("protocol");
        var target = disk.Element("target");
        var sourceText = (string?)source?.Attribute("name") ?? (string?)source?.Attribute("file") ?? (string?)source?.Attribute("dev") ?? "";
        return new VmDisk(type == "network" && protocol is not null ? protocol : type, sourceText, (string?)target?.Attribute("dev"), (string?)target?.Attribute("bus"));
    }

    private static VmNic ParseNic(XElement nic)
    {
        var source = nic.Element("source");
        var sourceText = (string?)source?.Attribute("bridge") ?? (string?)source?.Attribute("dev") ?? (string?)source?.Attribute("network");
        return new VmNic((string?)nic.Attribute("type") ?? "", ((string?)nic.Element("mac")?.Attribute("address"))?.ToLowerInvariant(), sourceText,
            (string?)nic.Element("model")?.Attribute("type"));
    }

    /// <summary>libvirt's memory units to MiB.</summary>
    private static long? ToMiB(string value, string? unit)
    {
        if (!decimal.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            return null;
        decimal bytes = (unit ?? "KiB") switch
        {
            "b" or "bytes" => 1m,
            "KB" => 1000m,
            "k" or "KiB" => 1024m,
            "MB" => 1000m * 1000,
            "M" or "MiB" => 1024m * 1024,
            "GB" => 1000m * 1000 * 1000,
            "G" or "GiB" => 1024m * 1024 * 1024,
            "TB" => 1000m * 1000 * 1000 * 1000,
            "T" or "TiB" => 1024m * 1024 * 1024 * 1024,
            _ => 0m,
        };
        return bytes == 0 ? null : (long)Math.Ceiling(amount * bytes / (1024m * 1024));
    }
}
