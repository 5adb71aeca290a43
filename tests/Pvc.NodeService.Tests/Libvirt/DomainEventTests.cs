using System.Collections.Concurrent;
using Pvc.NodeService.Libvirt;
using Pvc.Testing.Pvc;

namespace Pvc.NodeService.Tests.Libvirt;

/// <summary>Domain lifecycle events through libvirt's default event loop, on the real test driver.</summary>
[Collection(LibvirtEventsCollection.Name)]
public sealed class DomainEventTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly DomainXmlAdapter Adapter = new(new DomainXmlAdapterOptions { DomainTypeOverride = "test" });

    private readonly TestDriverHost host = new();

    public void Dispose() => host.Dispose();

    [Fact]
    public void Start_and_stop_arrive_as_lifecycle_events_until_the_subscription_ends()
    {
        using LibvirtConnection connection = LibvirtConnection.Open(host.Uri);
        using var events = new BlockingCollection<DomainLifecycleEvent>();
        Guid uuid = Guid.NewGuid();

        using (connection.SubscribeLifecycleEvents(events.Add))
        {
            using LibvirtDomain domain = connection.CreateDomain(Adapter.Adapt(PvcSeed.Xml(uuid, "ev1")));
            DomainLifecycleEvent started = Next(events);
            Assert.Equal(new DomainLifecycleEvent("ev1", uuid, DomainLifecycleEventType.Started, 0), started); // 0: booted

            domain.Destroy();
            DomainLifecycleEvent stopped = Next(events);
            Assert.Equal(new DomainLifecycleEvent("ev1", uuid, DomainLifecycleEventType.Stopped, 1), stopped); // 1: destroyed
        }

        using (LibvirtDomain after = connection.CreateDomain(Adapter.Adapt(PvcSeed.Xml(Guid.NewGuid(), "ev2"))))
            after.Destroy();
        Assert.False(events.TryTake(out DomainLifecycleEvent? late, TimeSpan.FromMilliseconds(300)), $"event after dispose: {late}");
        Assert.Equal(0, connection.Close());
    }

    [Fact]
    public void A_failing_handler_does_not_stop_the_loop_and_close_ends_open_subscriptions()
    {
        using var events = new BlockingCollection<DomainLifecycleEvent>();
        LibvirtConnection connection = LibvirtConnection.Open(host.Uri);
        connection.SubscribeLifecycleEvents(_ => throw new InvalidOperationException("handler bug"));
        connection.SubscribeLifecycleEvents(events.Add);

        using (LibvirtDomain domain = connection.LookupDomain(TestDriverHost.VmA))
            domain.Destroy();
        Assert.Equal(DomainLifecycleEventType.Stopped, Next(events).Type);

        Assert.Equal(0, connection.Close());
    }

    [Fact]
    public void Closing_releases_libvirts_registrations()
    {
        for (int i = 0; i < 20; i++)
        {
            using LibvirtConnection connection = LibvirtConnection.Open(host.Uri);
            using DomainEventSubscription subscription = connection.SubscribeLifecycleEvents(_ => { });
            Assert.Equal(0, connection.Close());
        }
        // Only the classes of this collection subscribe, and xunit runs them one test at a time: nothing else registers meanwhile.
        Assert.Equal(0, DomainEventDispatcher.LiveRegistrations);
    }

    [Fact]
    public void Each_connection_sees_its_own_host()
    {
        using LibvirtConnection first = LibvirtConnection.Open(host.Uri);
        using LibvirtConnection second = LibvirtConnection.Open(host.Uri);
        using var firstEvents = new BlockingCollection<DomainLifecycleEvent>();
        using var secondEvents = new BlockingCollection<DomainLifecycleEvent>();
        using DomainEventSubscription a = first.SubscribeLifecycleEvents(firstEvents.Add);
        using DomainEventSubscription b = second.SubscribeLifecycleEvents(secondEvents.Add);

        using (LibvirtDomain domain = second.LookupDomain(TestDriverHost.VmB))
            domain.Shutdown();

        DomainLifecycleEvent received = Next(secondEvents);
        Assert.Equal(TestDriverHost.VmB, received.Uuid);
        Assert.False(firstEvents.TryTake(out _, TimeSpan.FromMilliseconds(300)));
    }

    private static DomainLifecycleEvent Next(BlockingCollection<DomainLifecycleEvent> events)
    {
        Assert.True(events.TryTake(out DomainLifecycleEvent? next, Timeout), "no lifecycle event within the timeout");
        return next!;
    }
}
