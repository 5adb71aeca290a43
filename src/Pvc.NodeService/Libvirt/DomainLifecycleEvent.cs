namespace Pvc.NodeService.Libvirt;

/// <summary>A domain lifecycle event (<c>VIR_DOMAIN_EVENT_ID_LIFECYCLE</c>).</summary>
/// <param name="Name">The domain's name.</param>
/// <param name="Uuid">The domain's UUID.</param>
/// <param name="Type">What happened.</param>
/// <param name="Detail">libvirt's detail code for <paramref name="Type"/> (a <c>virDomainEvent*DetailType</c> value;
/// for <see cref="DomainLifecycleEventType.Stopped"/>: 0 shut down, 1 destroyed, 2 crashed, 3 migrated, 4 saved, 5 failed).</param>
public sealed record DomainLifecycleEvent(string Name, Guid Uuid, DomainLifecycleEventType Type, int Detail);
