using System.Globalization;
using System.Text;
using System.Xml;
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
    /// <summary>The vCPU topology of <c>cpu/topology</c>, when it has one with three positive numbers.</summary>
    public VcpuTopology? Topology { get; init; }
    /// <summary>The description element, if any.</summary>
    public string? Description { get; init; }
    /// <summary>Disks.</summary>
    public IReadOnlyList<VmDisk> Disks { get; init; } = [];
    /// <summary>Network interfaces.</summary>
    public IReadOnlyList<VmNic> Nics { get; init; } = [];

    /// <summary>The RBD images (pool/volume) of the disks: PVC's <c>/rbdlist</c>.</summary>
    public IReadOnlyList<string> RbdVolumes => [.. Disks.Where(d => d.Type == "rbd").Select(d => d.Source)];

    // whitespace-only text dropped as XDocument.Parse does; no DTD at all (libvirt writes none): a DOCTYPE is an
    // error, so no entity is ever expanded (no billion laughs in a listing) and none names an outside file
    private static readonly XmlReaderSettings Settings = new()
    {
        IgnoreWhitespace = true,
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
    };

    /// <summary>Parses and validates domain XML; a <see cref="PvcException"/> (InvalidArgument) names what is wrong.</summary>
    public static DomainXml Parse(string xml) => Parse(XmlReader.Create(new StringReader(xml), Settings));

    /// <summary>
    /// Parses domain XML as stored in ZooKeeper (UTF-8), as <see cref="Parse(string)"/> does its text. A reader
    /// over the bytes allocates a quarter of what one over the text does (no 8 KiB character buffer), which
    /// counts when a listing parses a thousand of them.
    /// </summary>
    internal static DomainXml Parse(byte[] utf8) =>
        // a byte-order mark or an XML declaration (which may name another encoding) would make a reader over
        // bytes read what a reader over the decoded text does not: such documents go the text's way
        utf8.AsSpan().StartsWith("<?"u8) || utf8.AsSpan().StartsWith(Encoding.UTF8.Preamble)
            ? Parse(Encoding.UTF8.GetString(utf8))
            : Parse(XmlReader.Create(new MemoryStream(utf8, writable: false), Settings));

    /// <summary>
    /// Reads the whole document (so anything malformed anywhere fails, as a full parse does), keeping only
    /// what Pvc uses, with XLinq's rules: the first child element of each name in no namespace, and an
    /// element's value is all the text inside it.
    /// </summary>
    private static DomainXml Parse(XmlReader reader)
    {
        string? rootName = null, name = null, uuidText = null, description = null, memoryText = null, memoryUnit = null, vcpuText = null;
        bool seenDevices = false, inDevices = false, seenCpu = false;
        VcpuTopology? topology = null;
        List<VmDisk> disks = [];
        List<VmNic> nics = [];
        try
        {
            using (reader)
            {
                while (reader.Read())
                {
                    if (reader.NodeType != XmlNodeType.Element)
                        continue;
                    if (reader.Depth == 0)
                    {
                        rootName = reader.LocalName;
                        continue;
                    }
                    if (reader.Depth == 1)
                    {
                        // any next child of the root ends the devices element, a namespaced one too
                        inDevices = false;
                        if (reader.NamespaceURI.Length != 0)
                            continue;
                        switch (reader.LocalName)
                        {
                            case "name" when name is null:
                                name = ValueOf(reader);
                                break;
                            case "uuid" when uuidText is null:
                                uuidText = ValueOf(reader);
                                break;
                            case "description" when description is null:
                                description = ValueOf(reader);
                                break;
                            case "memory" when memoryText is null:
                                memoryUnit = reader.GetAttribute("unit", "");
                                memoryText = ValueOf(reader);
                                break;
                            case "vcpu" when vcpuText is null:
                                vcpuText = ValueOf(reader);
                                break;
                            case "cpu" when !seenCpu:
                                seenCpu = true;
                                topology = ReadTopology(reader);
                                break;
                            case "devices" when !seenDevices:
                                seenDevices = true;
                                inDevices = !reader.IsEmptyElement;
                                break;
                        }
                    }
                    else if (reader.Depth == 2 && inDevices && reader.NamespaceURI.Length == 0)
                    {
                        if (reader.LocalName == "disk" && LibvirtAttributes.Get(reader, "device") is null or "disk")
                            disks.Add(ReadDisk(reader));
                        else if (reader.LocalName == "interface")
                            nics.Add(ReadNic(reader));
                    }
                }
            }
        }
        catch (XmlException e)
        {
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidXml, $"The VM definition is not well-formed XML: {e.Message}");
        }
        if (rootName != "domain")
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidXml, $"The VM definition's root element is <{rootName}>; libvirt domain XML has <domain>.");
        name = name?.Trim();
        VmName.Validate(name);
        uuidText = uuidText?.Trim();
        if (string.IsNullOrEmpty(uuidText))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidXml, $"The VM '{name}' has no <uuid>; Pvc keys VMs by UUID, so give it one.") { Target = name };
        if (!Guid.TryParse(uuidText, out var uuid) || uuid == Guid.Empty)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidXml, $"The VM '{name}' has the UUID '{uuidText}', which is not a valid UUID.") { Target = name };
        var memoryMiB = memoryText is null ? null : ToMiB(memoryText.Trim(), memoryUnit);
        if (memoryMiB is not > 0)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidXml, $"The VM '{name}' has no valid <memory> (a positive number, with an optional unit attribute).") { Target = name };
        vcpuText = vcpuText?.Trim();
        if (!int.TryParse(vcpuText, NumberStyles.None, CultureInfo.InvariantCulture, out var vcpus) || vcpus < 1)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidXml, $"The VM '{name}' has no valid <vcpu> (a positive whole number); it has '{vcpuText}'.") { Target = name };
        return new DomainXml
        {
            Name = name!,
            Uuid = uuid,
            MemoryMiB = memoryMiB.Value,
            Vcpus = vcpus,
            Topology = topology,
            Description = description,
            Disks = disks,
            Nics = nics,
        };
    }

    /// <summary>A cpu element's topology (the first child of that name), null without one of three positive numbers; leaves the reader on its end.</summary>
    private static VcpuTopology? ReadTopology(XmlReader reader)
    {
        VcpuTopology? topology = null;
        var seen = false;
        foreach (var child in ChildElements(reader))
        {
            if (child != "topology" || seen)
                continue;
            seen = true;
            int? Number(string name) => int.TryParse(LibvirtAttributes.Get(reader, name), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
            if (Number("sockets") is { } sockets && Number("cores") is { } cores && Number("threads") is { } threads)
                topology = new VcpuTopology(sockets, cores, threads);
        }
        return topology;
    }

    /// <summary>A disk element's type, source and target; leaves the reader on its end.</summary>
    private static VmDisk ReadDisk(XmlReader reader)
    {
        var type = LibvirtAttributes.Get(reader, "type") ?? "";
        string? protocol = null, sourceText = null, target = null, bus = null;
        bool seenSource = false, seenTarget = false;
        foreach (var child in ChildElements(reader))
        {
            if (child == "source" && !seenSource)
            {
                seenSource = true;
                protocol = LibvirtAttributes.Get(reader, "protocol");
                sourceText = LibvirtAttributes.Get(reader, "name") ?? LibvirtAttributes.Get(reader, "file") ?? LibvirtAttributes.Get(reader, "dev");
            }
            else if (child == "target" && !seenTarget)
            {
                seenTarget = true;
                target = LibvirtAttributes.Get(reader, "dev");
                bus = LibvirtAttributes.Get(reader, "bus");
            }
        }
        return new VmDisk(type == "network" && protocol is not null ? protocol : type, sourceText ?? "", target, bus);
    }

    /// <summary>An interface element's type, MAC, source and model; leaves the reader on its end.</summary>
    private static VmNic ReadNic(XmlReader reader)
    {
        var type = LibvirtAttributes.Get(reader, "type") ?? "";
        string? mac = null, source = null, model = null;
        bool seenSource = false, seenMac = false, seenModel = false;
        foreach (var child in ChildElements(reader))
        {
            if (child == "source" && !seenSource)
            {
                seenSource = true;
                source = LibvirtAttributes.Get(reader, "bridge") ?? LibvirtAttributes.Get(reader, "dev") ?? LibvirtAttributes.Get(reader, "network");
            }
            else if (child == "mac" && !seenMac)
            {
                seenMac = true;
                mac = LibvirtAttributes.Get(reader, "address")?.ToLowerInvariant();
            }
            else if (child == "model" && !seenModel)
            {
                seenModel = true;
                model = LibvirtAttributes.Get(reader, "type");
            }
        }
        return new VmNic(type, mac, source, model);
    }

    /// <summary>
    /// The local names of the current element's child elements in no namespace, the reader on each in turn;
    /// ends with the reader on the element's end.
    /// </summary>
    private static IEnumerable<string> ChildElements(XmlReader reader)
    {
        if (reader.IsEmptyElement)
            yield break;
        var depth = reader.Depth;
        while (reader.Read() && !(reader.Depth == depth && reader.NodeType == XmlNodeType.EndElement))
            if (reader.Depth == depth + 1 && reader.NodeType == XmlNodeType.Element && reader.NamespaceURI.Length == 0)
                yield return reader.LocalName;
    }

    /// <summary>All the text inside the current element (XLinq's <c>XElement.Value</c>); leaves the reader on its end.</summary>
    private static string ValueOf(XmlReader reader)
    {
        if (reader.IsEmptyElement)
            return "";
        var depth = reader.Depth;
        string? first = null;
        StringBuilder? more = null;
        while (reader.Read() && !(reader.Depth == depth && reader.NodeType == XmlNodeType.EndElement))
        {
            if (reader.NodeType is not (XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace))
                continue;
            if (first is null)
                first = reader.Value;
            else
                (more ??= new StringBuilder(first)).Append(reader.Value);
        }
        return more?.ToString() ?? first ?? "";
    }

    /// <summary>
    /// libvirt's memory units to MiB; null for no valid amount, one too large included: the product would overflow
    /// (an OverflowException out of every listing that reads the VM), and no host has that much memory anyway.
    /// </summary>
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
        if (bytes == 0)
            return null;
        decimal mib;
        try
        {
            mib = Math.Ceiling(amount * bytes / (1024m * 1024));
        }
        catch (OverflowException)
        {
            return null;
        }
        return mib <= long.MaxValue ? (long)mib : null;
    }
}
