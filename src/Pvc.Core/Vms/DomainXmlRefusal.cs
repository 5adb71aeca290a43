namespace Pvc.Core.Vms;

/// <summary>
/// What a <see cref="Errors.PvcErrorIds.DomainXmlNotAllowed"/> error carries (its <see cref="Errors.PvcException.Detail"/>):
/// the use of libvirt's domain XML the cluster does not allow, and the allow-list that would admit it.
/// </summary>
/// <param name="Use">The use refused.</param>
/// <param name="Allowing">The cluster's allow-list with the refused feature added (what to allow, taking nothing away).</param>
public sealed record DomainXmlRefusal(DomainXmlUse Use, IReadOnlyList<DomainXmlFeature> Allowing)
{
    /// <summary>The feature that is not allowed.</summary>
    public DomainXmlFeature Feature => Use.Feature;

    /// <summary>The element that uses it, as written.</summary>
    public string Element => Use.Element;
}
