using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace Pvc.Core.Vms;

/// <summary>
/// Finds the host files, directories and sockets a domain XML names, for <see cref="DomainXmlPolicy.Inspect"/>: each
/// one outside the place allowed for its kind is a <see cref="DomainXmlFeature.HostPath"/> use, which a directory the
/// cluster allows (<see cref="DomainXmlAllowList.Directories"/>) may still admit. Read the way libvirt reads them:
/// attributes whatever their namespace (<see cref="LibvirtAttributes"/>), an element's text as all the text in it
/// (libvirt's XPath <c>string()</c>, so a comment or a child element splits nothing).
/// </summary>
/// <remarks>
/// <para>libvirt opens these as root, or hands them to QEMU after giving the VM's user ownership of them (DAC's
/// dynamic_ownership): <c>&lt;disk type='file'&gt;&lt;source file='/etc/pvc/pvc.conf'/&gt;</c> is the cluster's ZooKeeper
/// credentials as a disk the guest reads and writes; a virtiofs share of '/' is the host's root file system.</para>
/// <para>Allowed without the cluster saying so, each only for its own kind: console logs under /var/log/libvirt (where
/// PVC's provisioner writes them), firmware read from the distributions' firmware directories, a VM's UEFI variable
/// store under libvirt's nvram directory, a channel socket under libvirt's channel directory, the system's QEMU and
/// virtiofsd, and the host's random number sources for an RNG. A program anywhere else (an emulator, virtiofsd, an
/// interface script run by libvirtd as root) is never admitted by a directory, only by the feature.</para>
/// </remarks>
internal sealed partial class DomainXmlHostPaths
{
    private enum Kind { Other, ConsoleLog, Firmware, Nvram, ChannelSocket, Program, RandomSource }

    private static readonly HostDirectory[] ConsoleLogPlaces = [HostDirectory.Parse("/var/log/libvirt")];
    private static readonly HostDirectory[] FirmwarePlaces = [.. new[] { "/usr/share/OVMF", "/usr/share/AAVMF", "/usr/share/edk2", "/usr/share/qemu", "/usr/share/seabios" }.Select(HostDirectory.Parse)];
    private static readonly HostDirectory[] NvramPlaces = [HostDirectory.Parse("/var/lib/libvirt/qemu/nvram")];
    private static readonly HostDirectory[] ChannelSocketPlaces = [HostDirectory.Parse("/var/lib/libvirt/qemu/channel")];
    private static readonly HashSet<string> Programs = new(StringComparer.Ordinal) { "/usr/bin/kvm", "/usr/bin/qemu-kvm", "/usr/libexec/qemu-kvm", "/usr/libexec/virtiofsd", "/usr/lib/qemu/virtiofsd", "/usr/bin/virtiofsd" };
    private static readonly HashSet<string> RandomSources = new(StringComparer.Ordinal) { "/dev/random", "/dev/urandom", "/dev/hwrng" };

    // the attributes that name a host path wherever libvirt reads them; target elements name guest-side things (a
    // filesystem's mount tag is <target dir=...>)
    private static readonly string[] PathAttributes = ["file", "dir", "path", "socket", "rendernode"];
    private static readonly string[] CharacterDevices = ["serial", "console", "channel", "parallel"];

    private readonly List<Frame> _open = [];

    /// <summary>An element open around the reader: its name, its type, and what it is for this check.</summary>
    private sealed record Frame(int Depth, string Name, string? Type, bool InDevice, Kind? TextKind)
    {
        public StringBuilder Text { get; } = new();
    }

    /// <summary>
    /// Looks at the node the reader is on and adds each host path use found to <paramref name="uses"/>. Call it for every
    /// node, in order; <paramref name="isDevice"/> says the element is a host device use already (its paths are that use's).
    /// </summary>
    public void Visit(XmlReader reader, bool isDevice, ICollection<DomainXmlUse> uses)
    {
        switch (reader.NodeType)
        {
            case XmlNodeType.Element:
                Close(reader.Depth, uses); // elements left open by an empty element, or siblings
                OnElement(reader, isDevice, uses);
                break;
            case XmlNodeType.EndElement:
                Close(reader.Depth, uses);
                break;
            case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace:
                Close(reader.Depth, uses); // text after an empty element is its parent's
                foreach (var frame in _open)
                {
                    if (frame.TextKind is not null)
                        frame.Text.Append(reader.Value);
                }
                break;
        }
    }

    private void OnElement(XmlReader reader, bool isDevice, ICollection<DomainXmlUse> uses)
    {
        var parent = _open.Count > 0 ? _open[^1] : null;
        var name = reader.LocalName;
        var inDevice = isDevice || parent?.InDevice == true;
        if (reader.NamespaceURI.Length != 0)
        {
            // libvirt ignores elements of other namespaces, but their text is part of their parent's
            Push(reader, new Frame(reader.Depth, "", null, inDevice, null));
            return;
        }
        var frame = new Frame(reader.Depth, name, LibvirtAttributes.Get(reader, "type"), inDevice, inDevice ? null : TextKindOf(reader, name, parent));
        if (!inDevice)
        {
            if (name == "shmem")
                Add(uses, new DomainXmlUse(DomainXmlFeature.HostPath, "<shmem> (memory shared with other VMs of the host)"));
            if (name != "target" && !(name == "source" && parent?.Type == "pty" && CharacterDevices.Contains(parent.Name)))
            {
                foreach (var attribute in PathAttributes)
                {
                    foreach (var value in LibvirtAttributes.All(reader, attribute))
                        Check(uses, AttributeKindOf(name, attribute, parent), value, $"<{parent?.Name}><{name} {attribute}='{Shown(value)}'>");
                }
            }
            if (name == "nvram")
            {
                foreach (var value in LibvirtAttributes.All(reader, "template"))
                    Check(uses, Kind.Firmware, value, $"<nvram template='{Shown(value)}'>");
            }
            if (name == "backend" && parent?.Name == "interface")
            {
                foreach (var value in LibvirtAttributes.All(reader, "tap").Concat(LibvirtAttributes.All(reader, "vhost")))
                    Check(uses, Kind.Other, value, $"<interface><backend '{Shown(value)}'>");
            }
            if (name is "input" or "output" && parent?.Name == "audio")
            {
                foreach (var value in LibvirtAttributes.All(reader, "dev"))
                    Check(uses, Kind.Other, value, $"<audio><{name} dev='{Shown(value)}'>");
            }
        }
        Push(reader, frame);
    }

    private void Push(XmlReader reader, Frame frame)
    {
        // an empty element is closed by the next node at its depth or above; its text, none, is checked then
        _open.Add(frame);
        if (reader.IsEmptyElement && frame.TextKind is null)
            _open.RemoveAt(_open.Count - 1);
    }

    private void Close(int depth, ICollection<DomainXmlUse> uses)
    {
        while (_open.Count > 0 && _open[^1].Depth >= depth)
        {
            var frame = _open[^1];
            _open.RemoveAt(_open.Count - 1);
            var text = frame.Text.ToString();
            // an element without text names nothing (libvirt then picks the place itself)
            if (frame.TextKind is { } kind && text.Length > 0)
                Check(uses, kind, text, $"<{frame.Name}>{Shown(text)}</{frame.Name}>");
        }
    }

    private static Kind? TextKindOf(XmlReader reader, string name, Frame? parent) => (parent?.Name, name) switch
    {
        ("os", "loader") => Kind.Firmware,
        ("os", "nvram") => Kind.Nvram,
        ("os", "kernel" or "initrd" or "dtb") => Kind.Other,
        ("acpi", "table") => Kind.Other,
        ("devices", "emulator") => Kind.Program,
        ("source", "path") => Kind.Other, // an nvdimm's or virtio-pmem's backing file
        ("rng", "backend") when LibvirtAttributes.Has(reader, "model", "random") => Kind.RandomSource,
        _ => null,
    };

    private static Kind AttributeKindOf(string element, string attribute, Frame? parent) => (element, attribute) switch
    {
        ("log", "file") => Kind.ConsoleLog,
        ("source", _) when parent?.Name == "nvram" => Kind.Nvram,
        ("source", "path") when parent is not null && CharacterDevices.Contains(parent.Name) && parent.Type == "unix" => Kind.ChannelSocket,
        ("binary" or "script" or "downscript", "path") => Kind.Program,
        _ => Kind.Other,
    };

    private static void Check(ICollection<DomainXmlUse> uses, Kind kind, string path, string element)
    {
        var allowed = kind switch
        {
            Kind.ConsoleLog => ConsoleLogPlaces.Any(d => d.Contains(path)),
            Kind.Firmware => FirmwarePlaces.Any(d => d.Contains(path)),
            Kind.Nvram => NvramPlaces.Any(d => d.Contains(path)),
            Kind.ChannelSocket => ChannelSocketPlaces.Any(d => d.Contains(path)),
            Kind.Program => Programs.Contains(path) || QemuSystem().IsMatch(path),
            Kind.RandomSource => RandomSources.Contains(path),
            _ => false,
        };
        if (!allowed)
            Add(uses, new DomainXmlUse(DomainXmlFeature.HostPath, element) { HostPath = kind is Kind.Program or Kind.RandomSource ? null : path });
    }

    private static void Add(ICollection<DomainXmlUse> uses, DomainXmlUse use)
    {
        if (!uses.Contains(use))
            uses.Add(use);
    }

    // for messages: a path is the user's own text, kept short
    private static string Shown(string value) => value.Length > 200 ? value[..200] + "..." : value;

    [GeneratedRegex("^/usr/bin/qemu-system-[a-z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex QemuSystem();
}
