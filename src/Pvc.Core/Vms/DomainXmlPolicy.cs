using System.Text;
using System.Xml;
using Pvc.Core.Cluster;
using Pvc.Core.Errors;

namespace Pvc.Core.Vms;

/// <summary>
/// What Core checks in every domain XML before it writes one to <c>/domains/&lt;uuid&gt;/xml</c> (define, modify,
/// rename): its size, that it has no DTD, and that it reaches into its host only as far as the cluster allows
/// (<see cref="DomainXmlFeature"/>, <see cref="DomainXmlAllowList"/>).
/// </summary>
/// <remarks>
/// Whoever can write a VM's XML can otherwise run any QEMU argument or take any host device or disk through libvirt as
/// root on every hypervisor the VM may land on, read any host file as a disk, or share the host's file system; the
/// allow-list makes that an administrator's decision, per cluster. Host paths: <see cref="DomainXmlHostPaths"/>.
/// </remarks>
public static class DomainXmlPolicy
{
    /// <summary>
    /// The largest domain XML written, in UTF-8 bytes (960 KiB): ZooKeeper refuses a request over 1 MiB (its default
    /// <c>jute.maxbuffer</c>) by dropping the connection, and a VM's XML travels in one with its other keys.
    /// </summary>
    public const int MaxBytes = 960 * 1024;

    /// <summary>libvirt's namespace for QEMU pass-through elements.</summary>
    public const string QemuNamespace = "http://libvirt.org/schemas/domain/qemu/1.0";

    // a DTD is read only to be refused: its DocumentType node comes before any entity could be referenced, and the
    // cap bounds what the internal subset's own parameter entities can make of it meanwhile
    private static readonly XmlReaderSettings Settings = new()
    {
        IgnoreWhitespace = true,
        DtdProcessing = DtdProcessing.Parse,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        MaxCharactersInDocument = MaxBytes,
    };

    /// <summary>
    /// Checks the size, refuses a DTD and malformed XML, checks every RBD disk's image, monitors and cephx user
    /// (<see cref="RbdDiskSource"/>), and returns the elements that reach into the host (empty for
    /// most VMs). Reads nothing from the cluster.
    /// </summary>
    /// <exception cref="PvcException">InvalidArgument: 
    /// "XmlTooLarge" (over <see cref="MaxBytes"/>), "XmlDtdNotAllowed" (a DOCTYPE, and so any entity), "InvalidXml",
    /// "InvalidRbdDisk" (an RBD disk's image is not pool/volume with valid names, a monitor is no host name or IP address
    /// with a port, its cephx user or secret is malformed, or it names a host file or socket).
    /// </exception>
    public static IReadOnlyList<DomainXmlUse> Inspect(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        // chars never outnumber UTF-8 bytes: only a long text needs counting
        if (xml.Length > MaxBytes / 3 && Encoding.UTF8.GetByteCount(xml) is var bytes && bytes > MaxBytes)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.XmlTooLarge,
                $"The VM definition is {bytes:N0} bytes of XML; at most {MaxBytes:N0} (960 KiB) are accepted, since ZooKeeper takes no request over 1 MiB. Remove what the VM does not need (a large description or metadata).");
        var uses = new List<DomainXmlUse>();
        var rbd = new RbdDiskSource();
        var paths = new DomainXmlHostPaths();
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), Settings);
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.DocumentType)
                    throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.XmlDtdNotAllowed,
                        "The VM definition has a DOCTYPE; Pvc takes no DTD and no entities in domain XML (libvirt writes none). Remove the <!DOCTYPE ...> and write entity references out.");
                var use = reader.NodeType == XmlNodeType.Element ? UseOf(reader) : null;
                if (use is not null && !uses.Contains(use))
                    uses.Add(use);
                paths.Visit(reader, use?.Feature is DomainXmlFeature.HostDevice or DomainXmlFeature.HostBlockDevice, uses);
                rbd.Visit(reader);
            }
        }
        catch (XmlException e)
        {
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidXml, $"The VM definition is not well-formed XML: {e.Message}");
        }
        return uses;
    }

    /// <summary>Throws for the first use the allow-list does not allow.</summary>
    /// <exception cref="Errors.PvcException">NotAllowed: "DomainXmlNotAllowed" (its Detail a <see cref="DomainXmlRefusal"/>): A use is not allowed; the message says how to allow it.</exception>
    public static void RequireAllowed(IReadOnlyList<DomainXmlUse> uses, DomainXmlAllowList allowed, string vmName)
    {
        ArgumentNullException.ThrowIfNull(uses);
        ArgumentNullException.ThrowIfNull(allowed);
        if (uses.FirstOrDefault(u => !allowed.Allows(u)) is not { } refused)
            return;
        // the parameter replaces the list: name what is allowed now as well, so following the advice takes nothing away
        var wanted = allowed.Features.Append(refused.Feature).Distinct().Order().ToList();
        var advice = refused.HostPath is not null
            ? $"Remove it, keep the file under a directory the cluster allows for host paths (now: {(allowed.Directories.Count == 0 ? "none" : string.Join(", ", allowed.Directories))}), or have an administrator allow a directory that holds it, or every host path (its allow-list then: {string.Join(", ", wanted)})."
            : $"Remove it, or have an administrator allow it for the cluster (its allow-list then: {string.Join(", ", wanted)}).";
        throw new PvcException(PvcErrorKind.NotAllowed, PvcErrorIds.DomainXmlNotAllowed,
            $"The VM '{vmName}' has {refused.Element} ({Describe(refused.Feature)}), which this cluster does not allow. {advice}")
        {
            Target = vmName,
            Detail = new DomainXmlRefusal(refused, wanted),
        };
    }

    private static DomainXmlUse? UseOf(XmlReader reader)
    {
        if (reader.NamespaceURI == QemuNamespace)
            return new DomainXmlUse(DomainXmlFeature.QemuCommandLine, $"<{reader.Name}>");
        if (reader.NamespaceURI.Length != 0)
            return null;
        return reader.LocalName switch
        {
            "hostdev" => new DomainXmlUse(DomainXmlFeature.HostDevice, "<hostdev>"),
            "interface" when LibvirtAttributes.Has(reader, "type", "hostdev") => new DomainXmlUse(DomainXmlFeature.HostDevice, "<interface type='hostdev'>"),
            // a host TPM, host input devices (evdev grabs the host's keyboard or mouse) and a host smartcard reader
            "backend" when LibvirtAttributes.Has(reader, "type", "passthrough") => new DomainXmlUse(DomainXmlFeature.HostDevice, "<tpm><backend type='passthrough'>"),
            "input" when LibvirtAttributes.Has(reader, "type", "passthrough") || LibvirtAttributes.Has(reader, "type", "evdev") => new DomainXmlUse(DomainXmlFeature.HostDevice, "<input type='passthrough'/'evdev'>"),
            "smartcard" when LibvirtAttributes.Has(reader, "mode", "host") || LibvirtAttributes.Has(reader, "mode", "host-certificates") => new DomainXmlUse(DomainXmlFeature.HostDevice, "<smartcard mode='host'>"),
            "disk" when LibvirtAttributes.Has(reader, "type", "block") => new DomainXmlUse(DomainXmlFeature.HostBlockDevice, "<disk type='block'>"),
            // a host NVMe controller (PCI) as a disk, and a storage pool's volume (which may be a host block device)
            "disk" when LibvirtAttributes.Has(reader, "type", "nvme") => new DomainXmlUse(DomainXmlFeature.HostDevice, "<disk type='nvme'>"),
            "disk" when LibvirtAttributes.Has(reader, "type", "volume") => new DomainXmlUse(DomainXmlFeature.HostBlockDevice, "<disk type='volume'>"),
            // a host vDPA device, and macvtap straight onto a host NIC (the guest on the host's own network, PVC's SR-IOV macvtap mode)
            "interface" when LibvirtAttributes.Has(reader, "type", "vdpa") => new DomainXmlUse(DomainXmlFeature.HostDevice, "<interface type='vdpa'>"),
            "interface" when LibvirtAttributes.Has(reader, "type", "direct") => new DomainXmlUse(DomainXmlFeature.HostDevice, "<interface type='direct'>"),
            // a disk's backing chain (libvirt takes one written in the XML) and a block job's target are disks too
            "backingStore" or "mirror" when LibvirtAttributes.Has(reader, "type", "block") => new DomainXmlUse(DomainXmlFeature.HostBlockDevice, $"<{reader.LocalName} type='block'>"),
            // sVirt off (none), a label the XML chooses (static: e.g. DAC's +0:+0, root), or the VM's files left as they are
            "seclabel" when LibvirtAttributes.Has(reader, "type", "none") || LibvirtAttributes.Has(reader, "type", "static") || LibvirtAttributes.Has(reader, "relabel", "no")
                => new DomainXmlUse(DomainXmlFeature.Unconfined, "<seclabel type='none'/'static'> or relabel='no'"),
            _ => null,
        };
    }

    private static string Describe(DomainXmlFeature feature) => feature switch
    {
        DomainXmlFeature.QemuCommandLine => "QEMU arguments passed as they are, past libvirt's checks",
        DomainXmlFeature.HostDevice => "a host device handed to the guest",
        DomainXmlFeature.HostBlockDevice => "a host block device as a guest disk",
        DomainXmlFeature.HostPath => "a host file, directory, socket or program outside the places allowed for it",
        DomainXmlFeature.Unconfined => "QEMU without sVirt's confinement of this VM to its own files",
        _ => feature.ToString(),
    };
}
