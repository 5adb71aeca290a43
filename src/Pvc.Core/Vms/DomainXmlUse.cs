namespace Pvc.Core.Vms;

/// <summary>An element of a domain XML that reaches into its host: which feature, and the element as written.</summary>
/// <param name="Feature">The feature it needs allowed.</param>
/// <param name="Element">The element as written, for messages (e.g. <c>&lt;qemu:commandline&gt;</c>).</param>
public sealed record DomainXmlUse(DomainXmlFeature Feature, string Element)
{
    /// <summary>
    /// For a <see cref="DomainXmlFeature.HostPath"/> use, the path named, when a directory the cluster allows can admit
    /// it (null for a program, which only the feature itself allows).
    /// </summary>
    public string? HostPath { get; init; }
}
