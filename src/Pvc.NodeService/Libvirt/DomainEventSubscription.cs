namespace Pvc.NodeService.Libvirt;

/// <summary>
/// A handler receiving a connection's domain lifecycle events (<see cref="LibvirtConnection.SubscribeLifecycleEvents"/>);
/// dispose it to stop. The handler runs on libvirt's event loop thread: keep it short and hand the work to a queue
/// of your own. An exception it throws is traced and dropped (it cannot cross into libvirt).
/// </summary>
public sealed class DomainEventSubscription : IDisposable
{
    private readonly DomainEventDispatcher dispatcher;
    private readonly Action<DomainLifecycleEvent> handler;
    private int disposed;

    internal DomainEventSubscription(DomainEventDispatcher dispatcher, Action<DomainLifecycleEvent> handler)
    {
        this.dispatcher = dispatcher;
        // a wrapper of our own, so that the same delegate subscribed twice is removed once per subscription
        this.handler = e => handler(e);
        dispatcher.Add(this.handler);
    }

    /// <summary>Stops delivering events to the handler.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
            dispatcher.Remove(handler);
    }
}
