using System.Xml;
using System.Xml.Linq;

namespace Pvc.NodeService.Libvirt;

/// <summary>
/// Turns the VM XML stored in ZooKeeper (written for KVM, as PVC stores it) into the XML this node's hypervisor
/// accepts, as <see cref="DomainXmlAdapterOptions"/> configures. It works on a copy: what is stored is never rewritten.
/// </summary>
public sealed class DomainXmlAdapter
{
    private readonly DomainXmlAdapterOptions options;

    /// <summary>Creates an adapter.</summary>
    /// <param name="options">What to change; see <see cref="DomainXmlAdapterOptions"/>.</param>
    public DomainXmlAdapter(DomainXmlAdapterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (string device in options.RemoveDevices)
        {
            if (string.IsNullOrWhiteSpace(device))
                throw new ArgumentException("RemoveDevices holds an empty device name.", nameof(options));
        }
        if (options.DomainTypeOverride is { Length: 0 })
            throw new ArgumentException("DomainTypeOverride is empty: leave it unset to keep the stored type.", nameof(options));
        if (options.EmulatorOverride is { Length: 0 })
            throw new ArgumentException("EmulatorOverride is empty: leave it unset to keep the stored emulator.", nameof(options));
        this.options = options;
    }

    // no DTD (libvirt writes none): a DOCTYPE is an XmlException, and no entity is expanded or fetched
    private static readonly XmlReaderSettings NoDtd = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    /// <summary>An adapter that changes nothing (a KVM host).</summary>
    public static DomainXmlAdapter None { get; } = new(new DomainXmlAdapterOptions());

    /// <summary>Adapts one domain XML document.</summary>
    /// <param name="storedXml">The VM's XML as stored (<c>&lt;domain type='kvm'&gt;...</c>).</param>
    /// <returns>The XML to pass to libvirt; <paramref name="storedXml"/> itself when nothing is configured.</returns>
    /// <exception cref="XmlException">The text is not well-formed XML.</exception>
    /// <exception cref="FormatException">The document is not a libvirt <c>&lt;domain&gt;</c>.</exception>
    public string Adapt(string storedXml)
    {
        ArgumentNullException.ThrowIfNull(storedXml);
        if (options.IsEmpty)
            return storedXml;

        XDocument document;
        using (var reader = XmlReader.Create(new StringReader(storedXml), NoDtd))
            document = XDocument.Load(reader, LoadOptions.PreserveWhitespace);
        XElement domain = document.Root!;
        if (domain.Name != "domain")
            throw new FormatException($"Expected a libvirt <domain> document, found <{domain.Name}>.");

        if (options.DomainTypeOverride is { } type)
            domain.SetAttributeValue("type", type);

        XElement? devices = domain.Element("devices");
        if (options.EmulatorOverride is { } emulator)
        {
            if (devices is null)
            {
                devices = new XElement("devices");
                domain.Add(devices);
            }
            XElement? existing = devices.Element("emulator");
            if (existing is null)
                devices.AddFirst(new XElement("emulator", emulator));
            else
                existing.Value = emulator;
        }

        if (devices is not null && options.RemoveDevices.Count > 0)
        {
            var names = new HashSet<string>(options.RemoveDevices, StringComparer.Ordinal);
            // ToList: removing while enumerating the live sequence would skip elements
            foreach (XElement device in devices.Elements().Where(e => names.Contains(e.Name.LocalName)).ToList())
                device.Remove();
        }

        return document.ToString(SaveOptions.DisableFormatting);
    }
}
