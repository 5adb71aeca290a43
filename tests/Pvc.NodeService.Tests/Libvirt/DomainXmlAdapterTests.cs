using System.Xml;
using System.Xml.Linq;
using Pvc.NodeService.Libvirt;
using Pvc.Testing.Pvc;

namespace Pvc.NodeService.Tests.Libvirt;

/// <summary>The adapter from stored (KVM) VM XML to what a node's hypervisor accepts: pure XML, no libvirt.</summary>
public sealed class DomainXmlAdapterTests
{
    private static readonly string Stored = PvcSeed.Xml(Guid.Parse("33333333-3333-3333-3333-333333333333"), "web1", vnc: true);

    [Fact]
    public void Without_settings_the_xml_passes_through_untouched()
    {
        Assert.Same(Stored, DomainXmlAdapter.None.Adapt(Stored));
        Assert.Same(Stored, new DomainXmlAdapter(new DomainXmlAdapterOptions()).Adapt(Stored));
    }

    [Fact]
    public void Overrides_the_domain_type_and_keeps_everything_else()
    {
        string adapted = new DomainXmlAdapter(new DomainXmlAdapterOptions { DomainTypeOverride = "qemu" }).Adapt(Stored);

        XElement domain = XElement.Parse(adapted);
        Assert.Equal("qemu", (string?)domain.Attribute("type"));
        XElement original = XElement.Parse(Stored);
        original.SetAttributeValue("type", "qemu");
        Assert.True(XNode.DeepEquals(original, domain));
        Assert.Contains("<domain type='kvm'>", Stored); // the stored text is never changed
    }

    [Fact]
    public void Replaces_the_emulator_or_adds_one()
    {
        var adapter = new DomainXmlAdapter(new DomainXmlAdapterOptions { EmulatorOverride = "/usr/bin/qemu-system-x86_64" });

        XElement replaced = XElement.Parse(adapter.Adapt(Stored));
        Assert.Equal(["/usr/bin/qemu-system-x86_64"], replaced.Element("devices")!.Elements("emulator").Select(e => e.Value));

        XElement added = XElement.Parse(adapter.Adapt("<domain type='kvm'><name>x</name></domain>"));
        Assert.Equal("/usr/bin/qemu-system-x86_64", added.Element("devices")?.Element("emulator")?.Value);
    }

    [Fact]
    public void Removes_the_listed_devices_only()
    {
        var adapter = new DomainXmlAdapter(new DomainXmlAdapterOptions { RemoveDevices = ["disk", "graphics", "video"] });

        XElement devices = XElement.Parse(adapter.Adapt(Stored)).Element("devices")!;
        Assert.Empty(devices.Elements("disk"));
        Assert.Empty(devices.Elements("graphics"));
        Assert.Empty(devices.Elements("video"));
        Assert.Single(devices.Elements("interface"));
        Assert.Single(devices.Elements("serial"));
        Assert.Equal(3, devices.Elements("controller").Count());
    }

    [Fact]
    public void Keeps_foreign_namespaces()
    {
        const string withQemuArgs = """
            <domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
              <name>x</name>
              <qemu:commandline><qemu:arg value='-s'/></qemu:commandline>
            </domain>
            """;
        string adapted = new DomainXmlAdapter(new DomainXmlAdapterOptions { DomainTypeOverride = "qemu" }).Adapt(withQemuArgs);

        XNamespace qemu = "http://libvirt.org/schemas/domain/qemu/1.0";
        Assert.Equal("-s", (string?)XElement.Parse(adapted).Element(qemu + "commandline")?.Element(qemu + "arg")?.Attribute("value"));
    }

    [Fact]
    public void Rejects_what_is_not_a_domain()
    {
        var adapter = new DomainXmlAdapter(new DomainXmlAdapterOptions { DomainTypeOverride = "test" });
        Assert.Throws<FormatException>(() => adapter.Adapt("<network><name>x</name></network>"));
        Assert.ThrowsAny<XmlException>(() => adapter.Adapt("<domain"));
    }

    [Fact]
    public void Rejects_empty_settings()
    {
        Assert.Throws<ArgumentException>(() => new DomainXmlAdapter(new DomainXmlAdapterOptions { DomainTypeOverride = "" }));
        Assert.Throws<ArgumentException>(() => new DomainXmlAdapter(new DomainXmlAdapterOptions { EmulatorOverride = "" }));
        Assert.Throws<ArgumentException>(() => new DomainXmlAdapter(new DomainXmlAdapterOptions { RemoveDevices = [" "] }));
    }
}
