using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pvc.NodeService.Libvirt;

/// <summary>
/// A connection's one lifecycle registration with libvirt (<c>virConnectDomainEventRegisterAny</c>; libvirt refuses
/// a second registration of the same callback on a connection), fanning events out to every
/// <see cref="DomainEventSubscription"/>. Created by the first subscription, deregistered when the connection closes.
/// </summary>
internal sealed unsafe class DomainEventDispatcher
{
    private readonly ConnectionHandle connection;
    private readonly Lock gate = new();
    private GCHandle self;
    private int selfFreed;
    private int callbackId = -1;
    private volatile Action<DomainLifecycleEvent>[] handlers = [];
    private volatile bool closed;

    private static int liveRegistrations;

    private DomainEventDispatcher(ConnectionHandle connection) => this.connection = connection;

    /// <summary>Registrations whose state libvirt has not yet released (for leak checks in tests).</summary>
    internal static int LiveRegistrations => Volatile.Read(ref liveRegistrations);

    /// <summary>Registers with libvirt for lifecycle events of every domain on <paramref name="connection"/>.</summary>
    public static DomainEventDispatcher Register(ConnectionHandle connection)
    {
        var dispatcher = new DomainEventDispatcher(connection);
        dispatcher.self = GCHandle.Alloc(dispatcher);
        Interlocked.Increment(ref liveRegistrations);
        int id = LibvirtNative.virConnectDomainEventRegisterAny(
            connection, IntPtr.Zero, LibvirtNative.DomainEventIdLifecycle, &OnLifecycle, GCHandle.ToIntPtr(dispatcher.self), &OnFree);
        if (id < 0)
        {
            LibvirtException error = LibvirtErrors.Create("virConnectDomainEventRegisterAny");
            dispatcher.FreeSelf(); // unless libvirt already called OnFree while failing
            throw error;
        }
        dispatcher.callbackId = id;
        return dispatcher;
    }

    /// <summary>Adds a handler; events reach it from now on.</summary>
    public void Add(Action<DomainLifecycleEvent> handler)
    {
        lock (gate)
            handlers = [.. handlers, handler];
    }

    /// <summary>Removes one handler (the first occurrence of that delegate instance); no event reaches it once this returns
    /// unless one is being delivered at that moment.</summary>
    public void Remove(Action<DomainLifecycleEvent> handler)
    {
        lock (gate)
        {
            int index = Array.IndexOf(handlers, handler);
            if (index >= 0)
                handlers = [.. handlers[..index], .. handlers[(index + 1)..]];
        }
    }

    /// <summary>Deregisters from libvirt (<c>virConnectDomainEventDeregisterAny</c>), before the connection closes.</summary>
    public void Close()
    {
        if (closed)
            return;
        closed = true;
        handlers = [];
        if (LibvirtNative.virConnectDomainEventDeregisterAny(connection, callbackId) < 0)
            Trace.TraceWarning($"libvirt: {LibvirtErrors.Create("virConnectDomainEventDeregisterAny").Message}");
    }

    private void FreeSelf()
    {
        if (Interlocked.Exchange(ref selfFreed, 1) == 0)
        {
            self.Free();
            Interlocked.Decrement(ref liveRegistrations);
        }
    }

    private void Deliver(DomainLifecycleEvent lifecycleEvent)
    {
        foreach (Action<DomainLifecycleEvent> handler in handlers)
        {
            try
            {
                handler(lifecycleEvent);
            }
            catch (Exception e)
            {
                // It cannot cross into libvirt, and one handler's bug must not starve the others.
                Trace.TraceError($"libvirt: a domain event handler failed: {e}");
            }
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnLifecycle(IntPtr conn, IntPtr domain, int eventType, int detail, IntPtr opaque)
    {
        try
        {
            if (GCHandle.FromIntPtr(opaque).Target is not DomainEventDispatcher { closed: false } dispatcher)
                return 0;
            // The domain pointer is borrowed for the callback: read it, never free it.
            IntPtr name = LibvirtNative.virDomainGetNameBorrowed(domain);
            byte* uuid = stackalloc byte[LibvirtNative.UuidStringBufferLength];
            if (name == IntPtr.Zero || LibvirtNative.virDomainGetUUIDStringBorrowed(domain, uuid) < 0)
                return 0;
            dispatcher.Deliver(new DomainLifecycleEvent(
                Marshal.PtrToStringUTF8(name)!,
                Guid.Parse(new ReadOnlySpan<byte>(uuid, LibvirtNative.UuidStringBufferLength - 1)),
                (DomainLifecycleEventType)eventType,
                detail));
        }
        catch (Exception e)
        {
            Trace.TraceError($"libvirt: delivering a domain event failed: {e}");
        }
        return 0;
    }

    /// <summary>libvirt drops the registration (after deregistration, once no event is being delivered).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnFree(IntPtr opaque)
    {
        try
        {
            if (GCHandle.FromIntPtr(opaque).Target is DomainEventDispatcher dispatcher)
                dispatcher.FreeSelf();
        }
        catch (Exception e)
        {
            Trace.TraceError($"libvirt: freeing a domain event registration failed: {e}");
        }
    }
}
