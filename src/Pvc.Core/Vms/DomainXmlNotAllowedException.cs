using Pvc.Core.Errors;

namespace Pvc.Core.Vms;

/// <summary>
/// A VM definition uses a part of libvirt's domain XML that reaches into its host (a QEMU command line, a host
/// device, a host block device) and the cluster does not allow it. Nothing was written.
/// </summary>
public sealed class DomainXmlNotAllowedException(DomainXmlUse use, string message) : PvcException(message)
{
    /// <inheritdoc />
    public override string ErrorId => "DomainXmlNotAllowed";

    /// <inheritdoc />
    public override PvcErrorKind Kind => PvcErrorKind.NotAllowed;

    /// <summary>The feature that is not allowed.</summary>
    public DomainXmlFeature Feature => Use.Feature;

    /// <summary>The element that uses it, as written.</summary>
    public string Element => Use.Element;

    /// <summary>The use refused.</summary>
    public DomainXmlUse Use { get; } = use;
}
