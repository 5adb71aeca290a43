namespace Pvc.NodeService.Tests.Libvirt;

/// <summary>
/// The tests that register for libvirt's domain events in this process, run one at a time: one of them counts the
/// registrations libvirt still holds, which another test's open subscription would change.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LibvirtEventsCollection
{
    public const string Name = "libvirt events";
}
