using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Pvc.Core.Errors;
using Pvc.Core.Vms;

namespace Pvc.Core.Tests;

/// <summary>
/// DomainXml reads libvirt XML with a streaming reader (from the text, or from the UTF-8 bytes a listing reads);
/// these documents check it against a full XDocument parse, the way it read them before.
/// </summary>
public sealed class DomainXmlTests
{
    private const string Uuid = "6f1d7c3a-1111-2222-3333-444455556666";

    public static TheoryData<string> Documents => new()
    {
        $"""<domain type="kvm"><name>web1</name><uuid>{Uuid}</uuid><memory unit="MiB">1024</memory><vcpu>2</vcpu></domain>""",
        // PVC's shape: disks of several kinds, a cdrom (not a disk), NICs, metadata in a namespace
        $"""
        <domain type="kvm" xmlns:pvc="https://parallelvirtualcluster.org/">
          <name> web2 </name>
          <uuid>{Uuid}</uuid>
          <description>front &amp; back <![CDATA[<end>]]></description>
          <memory>2097152</memory>
          <vcpu placement="static">4</vcpu>
          <metadata><pvc:name>other</pvc:name><pvc:vcpu>9</pvc:vcpu></metadata>
          <devices>
            <disk type="network" device="disk"><source protocol="rbd" name="vms/web2_sda"/><target dev="sda" bus="scsi"/></disk>
            <disk type="file" device="cdrom"><source file="/iso/x.iso"/><target dev="hda" bus="ide"/></disk>
            <disk type="block"><source dev="/dev/sdz"/><target dev="vdb" bus="virtio"/><target dev="ignored"/></disk>
            <disk type="file" device="disk"><driver name="qemu"/><source file="/var/a.img"/></disk>
            <interface type="bridge"><mac address="52:54:00:AA:BB:CC"/><source bridge="vmbr100"/><model type="virtio"/></interface>
            <interface type="direct"><source dev="ens1f0" mode="passthrough"/><mac address="52:54:00:00:00:01"/></interface>
            <interface type="network"><source network="default"/></interface>
          </devices>
          <devices><disk type="file"><source file="/second/devices/ignored"/></disk></devices>
        </domain>
        """,
        // first of each element counts; comments and elements inside a value; units
        $"""<domain><name>a<!-- c -->b</name><name>second</name><uuid>{Uuid}</uuid><memory unit="GiB">2</memory><vcpu>1</vcpu><description>x<b>y</b>z</description><devices/></domain>""",
        // elements in a namespace are not libvirt's, wherever they are
        $"""<domain xmlns:x="urn:x"><name>ns</name><uuid>{Uuid}</uuid><memory>1024</memory><vcpu>1</vcpu><devices><x:disk type="file"/><disk type="file"><x:source file="/no"/><source file="/yes"/></disk></devices><x:devices><disk type="file"><source file="/not-a-device"/></disk></x:devices><x:name>other</x:name></domain>""",
        $"""<domain><name>n1</name><uuid>{Uuid}</uuid><memory unit="KB">1500</memory><vcpu>1</vcpu><description>   </description></domain>""",
        $"""<?xml version="1.0" encoding="UTF-8"?><domain><name>decl</name><uuid>{Uuid}</uuid><memory>1024</memory><vcpu>1</vcpu></domain>""",
        $"""<domain xmlns="urn:other"><name>nons</name><uuid>{Uuid}</uuid><memory>1024</memory><vcpu>1</vcpu></domain>""",
        // errors, each with its own message
        "<domain><name>broken",
        "",
        $"""<domain><name>late</name><uuid>{Uuid}</uuid><memory>1024</memory><vcpu>1</vcpu></domain><extra/>""",
        $"""<vm><name>x</name><uuid>{Uuid}</uuid></vm>""",
        """<domain><name>nouuid</name><memory>1024</memory><vcpu>1</vcpu></domain>""",
        """<domain><name>baduuid</name><uuid>nope</uuid><memory>1024</memory><vcpu>1</vcpu></domain>""",
        $"""<domain><name>nomem</name><uuid>{Uuid}</uuid><memory unit="parsec">1</memory><vcpu>1</vcpu></domain>""",
        $"""<domain><name>novcpu</name><uuid>{Uuid}</uuid><memory>1024</memory><vcpu>0</vcpu></domain>""",
        $"""<domain><name>bad name!</name><uuid>{Uuid}</uuid><memory>1024</memory><vcpu>1</vcpu></domain>""",
        $"""<domain><uuid>{Uuid}</uuid><memory>1024</memory><vcpu>1</vcpu></domain>""",
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Reads_what_a_full_parse_reads(string xml)
    {
        var expected = Outcome(() => Reference(xml));
        Assert.Equal(expected, Outcome(() => DomainXml.Parse(xml)));
        Assert.Equal(expected, Outcome(() => DomainXml.Parse(Encoding.UTF8.GetBytes(xml))));
    }

    [Fact]
    public void A_byte_order_mark_reads_as_the_text_does()
    {
        var xml = $"""<domain><name>bom</name><uuid>{Uuid}</uuid><memory>1024</memory><vcpu>1</vcpu></domain>""";
        var bytes = Encoding.UTF8.Preamble.ToArray().Concat(Encoding.UTF8.GetBytes(xml)).ToArray();
        Assert.Equal(Outcome(() => DomainXml.Parse(Encoding.UTF8.GetString(bytes))), Outcome(() => DomainXml.Parse(bytes)));
    }

    /// <summary>Everything a parse gives, or its error, as comparable text.</summary>
    private static string Outcome(Func<DomainXml> parse)
    {
        try
        {
            var x = parse();
            return string.Join("|", x.Name, x.Uuid, x.MemoryMiB, x.Vcpus, x.Description ?? "(null)",
                string.Join(";", x.Disks), string.Join(";", x.Nics));
        }
        catch (PvcException e) when (e.Kind == PvcErrorKind.InvalidArgument)
        {
            // the message too: XmlException's text, line and position included, must not change
            return $"{e.ErrorId}: {e.Message}";
        }
    }

    /// <summary>The XDocument reading DomainXml did before, kept as the yardstick.</summary>
    private static DomainXml Reference(string xml)
    {
        XElement root;
        try
        {
            root = XDocument.Parse(xml).Root!;
        }
        catch (XmlException e)
        {
            throw new PvcException(PvcErrorKind.InvalidArgument, "InvalidXml", $"The VM definition is not well-formed XML: {e.Message}");
        }
        if (root.Name.LocalName != "domain")
            throw new PvcException(PvcErrorKind.InvalidArgument, "InvalidXml", $"The VM definition's root element is <{root.Name.LocalName}>; libvirt domain XML has <domain>.");
        var name = root.Element("name")?.Value.Trim();
        VmName.Validate(name);
        var uuidText = root.Element("uuid")?.Value.Trim();
        if (string.IsNullOrEmpty(uuidText))
            throw new PvcException(PvcErrorKind.InvalidArgument, "InvalidXml", $"The VM '{name}' has no <uuid>; Pvc keys VMs by UUID, so give it one.");
        if (!Guid.TryParse(uuidText, out var uuid) || uuid == Guid.Empty)
            throw new PvcException(PvcErrorKind.InvalidArgument, "InvalidXml", $"The VM '{name}' has the UUID '{uuidText}', which is not a valid UUID.");
        var memory = root.Element("memory");
        var memoryMiB = memory is null ? null : MiB(memory.Value.Trim(), (string?)memory.Attribute("unit"));
        if (memoryMiB is not > 0)
            throw new PvcException(PvcErrorKind.InvalidArgument, "InvalidXml", $"The VM '{name}' has no valid <memory> (a positive number, with an optional unit attribute).");
        var vcpuText = root.Element("vcpu")?.Value.Trim();
        if (!int.TryParse(vcpuText, NumberStyles.None, CultureInfo.InvariantCulture, out var vcpus) || vcpus < 1)
            throw new PvcException(PvcErrorKind.InvalidArgument, "InvalidXml", $"The VM '{name}' has no valid <vcpu> (a positive whole number); it has '{vcpuText}'.");
        var devices = root.Element("devices");
        return new DomainXml
        {
            Name = name!,
            Uuid = uuid,
            MemoryMiB = memoryMiB.Value,
            Vcpus = vcpus,
            Description = root.Element("description")?.Value,
            Disks = [.. (devices?.Elements("disk") ?? []).Where(d => (string?)d.Attribute("device") is null or "disk").Select(d =>
            {
                var type = (string?)d.Attribute("type") ?? "";
                var source = d.Element("source");
                var protocol = (string?)source?.Attribute("protocol");
                var target = d.Element("target");
                return new VmDisk(type == "network" && protocol is not null ? protocol : type,
                    (string?)source?.Attribute("name") ?? (string?)source?.Attribute("file") ?? (string?)source?.Attribute("dev") ?? "",
                    (string?)target?.Attribute("dev"), (string?)target?.Attribute("bus"));
            })],
            Nics = [.. (devices?.Elements("interface") ?? []).Select(n =>
            {
                var source = n.Element("source");
                return new VmNic((string?)n.Attribute("type") ?? "", ((string?)n.Element("mac")?.Attribute("address"))?.ToLowerInvariant(),
                    (string?)source?.Attribute("bridge") ?? (string?)source?.Attribute("dev") ?? (string?)source?.Attribute("network"),
                    (string?)n.Element("model")?.Attribute("type"));
            })],
        };
    }

    private static long? MiB(string value, string? unit) => !decimal.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) ? null : (unit ?? "KiB") switch
    {
        "KiB" or "k" => (long)Math.Ceiling(amount / 1024),
        "KB" => (long)Math.Ceiling(amount * 1000 / (1024 * 1024)),
        "MiB" or "M" => (long)amount,
        "GiB" or "G" => (long)(amount * 1024),
        _ => null,
    };
}
