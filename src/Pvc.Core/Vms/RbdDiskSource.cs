using System.Globalization;
using System.Net;
using System.Xml;
using Pvc.Core.Errors;
using Pvc.Core.Storage;

namespace Pvc.Core.Vms;

/// <summary>
/// The rules for an RBD disk's <c>&lt;source protocol='rbd'&gt;</c> and its <c>&lt;auth&gt;</c>, checked by
/// <see cref="DomainXmlPolicy.Inspect"/> (so on every write through Core and by the node before it starts a domain):
/// the image is <c>pool/volume</c> with Pvc's pool and volume names, each monitor a host name or an IP address with
/// a port, the cephx user a Ceph name and its secret one of libvirt's <c>ceph</c> secrets by UUID.
/// </summary>
/// <remarks>
/// libvirt hands these values to QEMU's RBD driver, which joins them into one Ceph option string
/// (<c>mon_host=a\:6789;b\:6789</c>, <c>id=...</c>): a ';', '=', ':' or '\' in them would set other Ceph options. A
/// <c>&lt;config file=...&gt;</c> would have QEMU read a host file as its ceph.conf, a unix <c>socket</c> would reach a
/// host socket: both are refused.
/// </remarks>
internal sealed class RbdDiskSource
{
    /// <summary>The protocol attribute's value for an RBD source.</summary>
    public const string Protocol = "rbd";

    private const int MaxHostName = 253;

    // one disk at a time: its depth, whether a source in it is RBD, and its auth (which may come before the source)
    private int _diskDepth = -1;
    private int _sourceDepth = -1;
    private int _authDepth = -1;
    private bool _isRbd;
    private bool _hasAuth;
    private string? _user;
    private (string? Type, string? Uuid)? _secret;

    /// <summary>Looks at the node the reader is on; throws when an RBD disk breaks a rule. Call it for every node, in order.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidRbdDisk".</exception>
    public void Visit(XmlReader reader)
    {
        if (reader.NodeType == XmlNodeType.EndElement)
        {
            if (reader.Depth == _diskDepth)
                EndDisk();
            return;
        }
        if (reader.NodeType != XmlNodeType.Element || reader.NamespaceURI.Length != 0)
            return;
        if (_sourceDepth >= 0 && reader.Depth <= _sourceDepth)
            _sourceDepth = -1;
        if (_authDepth >= 0 && reader.Depth <= _authDepth)
            _authDepth = -1;
        if (_diskDepth < 0)
        {
            if (reader.LocalName == "disk" && !reader.IsEmptyElement)
                StartDisk(reader.Depth);
            return;
        }
        if (_sourceDepth >= 0 && reader.Depth == _sourceDepth + 1)
            CheckSourceChild(reader);
        switch (reader.LocalName)
        {
            // any source in the disk, its backing store's too
            case "source" when LibvirtAttributes.Has(reader, "protocol", Protocol):
                CheckSource(LibvirtAttributes.Get(reader, "name"));
                _isRbd = true;
                if (!reader.IsEmptyElement)
                    _sourceDepth = reader.Depth;
                break;
            case "auth":
                _hasAuth = true;
                _user = LibvirtAttributes.Get(reader, "username");
                if (!reader.IsEmptyElement)
                    _authDepth = reader.Depth;
                break;
            case "secret" when _authDepth >= 0 && reader.Depth == _authDepth + 1:
                _secret = (LibvirtAttributes.Get(reader, "type"), LibvirtAttributes.Get(reader, "uuid"));
                break;
        }
    }

    private void StartDisk(int depth)
    {
        _diskDepth = depth;
        _sourceDepth = _authDepth = -1;
        _isRbd = _hasAuth = false;
        _user = null;
        _secret = null;
    }

    private void EndDisk()
    {
        _diskDepth = -1;
        if (!_isRbd || !_hasAuth)
            return;
        if (_user is null || !IsCephUser(_user))
            throw Refused($"its cephx user is '{Printable(_user)}'; a Ceph client id is 1 to 64 letters, digits, '-', '_' or '.', beginning with a letter or digit (e.g. 'libvirt' or 'admin')");
        if (_secret is not ("ceph", { } uuid) || !Guid.TryParse(uuid, out _))
            throw Refused($"its auth secret is type '{Printable(_secret?.Type)}', uuid '{Printable(_secret?.Uuid)}'; an RBD disk's secret is <secret type='ceph' uuid='...'/>, the node's libvirt Ceph secret by its UUID");
    }

    private static void CheckSource(string? name)
    {
        var slash = name?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (name is null || slash < 0 || !PoolName.IsValid(name[..slash]) || !VolumeName.IsValid(name[(slash + 1)..]))
            throw Refused($"its RBD image is '{Printable(name)}'; it must be 'pool/volume', the pool {PoolName.Rule}, the volume {VolumeName.Rule}");
    }

    private static void CheckSourceChild(XmlReader reader)
    {
        switch (reader.LocalName)
        {
            case "host":
                CheckHost(LibvirtAttributes.Get(reader, "name"), LibvirtAttributes.Get(reader, "port"), LibvirtAttributes.Get(reader, "transport"), LibvirtAttributes.Get(reader, "socket"));
                break;
            case "snapshot" when !SnapshotName.IsValid(LibvirtAttributes.Get(reader, "name")):
                throw Refused($"its snapshot is '{Printable(LibvirtAttributes.Get(reader, "name"))}'; a snapshot name is {SnapshotName.Rule}");
            case "config":
                throw Refused("its source names a Ceph configuration file on the hypervisor (<config file=...>); give the monitors as <host> elements");
        }
    }

    private static void CheckHost(string? name, string? port, string? transport, string? socket)
    {
        if (socket is not null || transport is not (null or "tcp"))
            throw Refused($"a monitor is reached by '{Printable(transport ?? "unix")}'; only TCP monitors (<host name='...' port='...'/>) are taken");
        if (name is null || !(IsIpAddress(name) || IsHostName(name)))
            throw Refused($"a monitor is '{Printable(name)}'; a monitor is a host name or an IP address");
        if (port is not null && !(int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 65535))
            throw Refused($"the monitor '{name}' has the port '{Printable(port)}'; a port is a number from 1 to 65535");
    }

    /// <summary>True for an IP address written with digits, dots, hex and colons only.</summary>
    internal static bool IsIpAddress(string name) =>
        // digits, dots and (IPv6) hex and colons only: IPAddress also takes a "%scope" and surrounding brackets
        name.All(c => char.IsAsciiHexDigit(c) || c is '.' or ':') && IPAddress.TryParse(name, out _);

    /// <summary>True for a DNS host name (letters, digits and '-' in labels of 1 to 63).</summary>
    internal static bool IsHostName(string name) =>
        name.Length is > 0 and <= MaxHostName
        && name.Split('.').All(label => label.Length is > 0 and <= 63 && char.IsAsciiLetterOrDigit(label[0]) && char.IsAsciiLetterOrDigit(label[^1])
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));

    /// <summary>True for a Ceph client id.</summary>
    internal static bool IsCephUser(string user) =>
        user.Length is > 0 and <= 64 && char.IsAsciiLetterOrDigit(user[0]) && user.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static PvcException Refused(string what) =>
        new(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidRbdDisk, $"The VM definition has an RBD disk that cannot be used: {what}.");

    private static string Printable(string? s) => string.Concat((s ?? "").Take(120).Select(c => char.IsControl(c) ? '?' : c));
}
