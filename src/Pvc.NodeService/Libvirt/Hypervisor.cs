namespace Pvc.NodeService.Libvirt;

/// <summary>
/// This node's libvirt connection, used from several tasks: calls are serialised (libvirt's last error is per
/// thread and read right after each call), and stored XML is adapted to what this hypervisor takes.
/// </summary>
/// <remarks>
/// The connection is opened on first use and opened again when it dies (libvirtd restarted, upgraded, crashed): a
/// connection to a daemon that went away fails every call for good, and a node whose keepalive can no longer list its
/// domains is fenced, healthy as it is. A read that meets a dead connection is tried once more on a new one; a call
/// that changes something is not (it may have happened), and neither is anything while libvirtd cannot be reached:
/// those throw <see cref="HypervisorUnreachableException"/>, which the callers treat as passing.
/// <para>
/// Each connection it opens is subscribed to libvirt's lifecycle events (<see cref="DomainEvent"/>). Events are lost
/// while libvirtd is away and between a connection's death and the next one, so whoever waits on them re-reads the
/// domain now and then (<see cref="WaitStoppedAsync"/>).
/// </para>
/// </remarks>
public sealed class Hypervisor(string uri, DomainXmlAdapter adapter, Func<string, LibvirtConnection>? open = null) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Func<string, LibvirtConnection> _open = open ?? LibvirtConnection.Open;
    private LibvirtConnection? _connection;
    private readonly Lock _handlersLock = new();
    private volatile Action<DomainLifecycleEvent>[] _handlers = [];

    /// <summary>The libvirt URI.</summary>
    public string Uri => uri;

    /// <summary>True for libvirt's test driver, in this process (test:///...) or in a libvirtd (test+unix:///...).</summary>
    public bool IsTestDriver => Uri.StartsWith("test:", StringComparison.Ordinal) || Uri.StartsWith("test+", StringComparison.Ordinal);

    /// <summary>
    /// A lifecycle event of a domain here (started, stopped, crashed...), on libvirt's event loop thread: keep the
    /// handler short. Events come from the connection open at the time; none arrive while libvirtd is away.
    /// </summary>
    public event Action<DomainLifecycleEvent>? DomainEvent
    {
        add
        {
            if (value is null)
                return;
            lock (_handlersLock)
                _handlers = [.. _handlers, value];
        }
        remove
        {
            if (value is null)
                return;
            lock (_handlersLock)
            {
                var index = Array.IndexOf(_handlers, value);
                if (index >= 0)
                    _handlers = [.. _handlers[..index], .. _handlers[(index + 1)..]];
            }
        }
    }

    /// <summary>
    /// Waits until the domain no longer runs here, on libvirt's stop and crash events, re-reading its state at least
    /// every <paramref name="recheck"/> (an event lost across a libvirtd restart is not waited for). False when it
    /// still runs after <paramref name="timeout"/>.
    /// </summary>
    public Task<bool> WaitStoppedAsync(Guid uuid, TimeSpan timeout, TimeSpan recheck, CancellationToken cancellationToken) =>
        WaitUntilAsync(uuid, e => e is DomainLifecycleEventType.Stopped or DomainLifecycleEventType.Crashed, () => !IsRunning(uuid), timeout, recheck, cancellationToken);

    /// <summary>
    /// Waits until an incoming migration of the domain has ended here, one way or the other: libvirt resumed it (it
    /// arrived) or removed it (the migration failed, and its sender runs it on). On the domain's lifecycle events,
    /// re-reading at least every <paramref name="recheck"/>. False when it is still paused for the migration after
    /// <paramref name="timeout"/>.
    /// </summary>
    public Task<bool> WaitMigrationEndedAsync(Guid uuid, TimeSpan timeout, TimeSpan recheck, CancellationToken cancellationToken) =>
        WaitUntilAsync(uuid, _ => true, () => !IsPausedForMigration(uuid), timeout, recheck, cancellationToken);

    /// <summary>
    /// Waits until the domain has no background job here (an outgoing migration ended, one way or the other) or is
    /// gone, on its lifecycle events and re-reading at least every <paramref name="recheck"/>. False when a job is
    /// still active after <paramref name="timeout"/>.
    /// </summary>
    public Task<bool> WaitJobEndedAsync(Guid uuid, TimeSpan timeout, TimeSpan recheck, CancellationToken cancellationToken) =>
        WaitUntilAsync(uuid, _ => true, () => !HasActiveJob(uuid), timeout, recheck, cancellationToken);

    /// <summary>
    /// True when the domain exists here and has a background job (<see cref="LibvirtDomain.HasActiveJob"/>): on a
    /// migration's source, an outgoing migration libvirtd may carry on after the call that started it failed.
    /// </summary>
    public bool HasActiveJob(Guid uuid) => Read(c =>
    {
        using var domain = c.TryLookupDomain(uuid);
        try
        {
            return domain is not null && domain.HasActiveJob();
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomain || e.Code == LibvirtErrorCode.OperationInvalid)
        {
            return false; // gone (or stopped) between the lookup and the read: no job
        }
    });

    /// <summary>
    /// Asks the domain's background job here to stop (<see cref="LibvirtDomain.AbortJob"/>); false when there was
    /// nothing to abort (no domain, no job, or the job ended meanwhile, which libvirt reports as an invalid operation).
    /// </summary>
    public bool AbortJob(Guid uuid)
    {
        try
        {
            var done = false;
            Change(c =>
            {
                using var domain = c.TryLookupDomain(uuid);
                if (domain is not null)
                {
                    domain.AbortJob();
                    done = true;
                }
            });
            return done;
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomain || e.Code == LibvirtErrorCode.OperationInvalid)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits until <paramref name="done"/> holds, reading it again on each of the domain's lifecycle events that
    /// <paramref name="relevant"/> accepts and at least every <paramref name="recheck"/>; false after <paramref name="timeout"/>.
    /// </summary>
    private async Task<bool> WaitUntilAsync(Guid uuid, Func<DomainLifecycleEventType, bool> relevant, Func<bool> done, TimeSpan timeout, TimeSpan recheck, CancellationToken cancellationToken)
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnEvent(DomainLifecycleEvent e)
        {
            if (e.Uuid == uuid && relevant(e.Type))
                changed.TrySetResult();
        }
        // subscribed before the first read: a change after it is not missed
        DomainEvent += OnEvent;
        try
        {
            // a monotonic clock: a step of the wall clock (NTP at boot) must not lengthen or cut short the wait
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            while (!done())
            {
                var left = timeout - System.Diagnostics.Stopwatch.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                    return false;
                try
                {
                    await changed.Task.WaitAsync(left < recheck ? left : recheck, cancellationToken);
                }
                catch (TimeoutException)
                {
                }
                // an event, one of an earlier run (a restart), or the re-read's turn: the state decides
                changed = changed.Task.IsCompleted ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : changed;
            }
            return true;
        }
        finally
        {
            DomainEvent -= OnEvent;
        }
    }

    /// <summary>The running domains' statistics, all in one libvirt call.</summary>
    public IReadOnlyList<DomainStatsRecord> AllDomainStats(DomainStatsGroups groups) => Read(c => c.GetAllDomainStats(groups));

    /// <summary>A domain's live XML (with the devices libvirt assigned: tap names), or null when it does not exist.</summary>
    public string? LiveXml(Guid uuid) => Read(c =>
    {
        using var domain = c.TryLookupDomain(uuid);
        return domain?.GetXml();
    });

    /// <summary>Host CPUs and memory.</summary>
    public HostInfo HostInfo() => Read(c => c.GetHostInfo());

    /// <summary>Every domain libvirt knows here, with its state.</summary>
    public IReadOnlyList<DomainSummary> Domains() => Read(c => c.ListDomains());

    /// <summary>True when the domain exists here and runs (or is paused).</summary>
    public bool IsRunning(Guid uuid) => Read(c =>
    {
        using var domain = c.TryLookupDomain(uuid);
        return domain is not null && domain.GetState().State is DomainState.Running or DomainState.Paused or DomainState.Blocked;
    });

    /// <summary>
    /// True when the domain here is paused by a migration (<see cref="DomainSummary.IsPausedForMigration"/>): on the
    /// node receiving it, a guest that has not arrived yet, whose sender still runs it.
    /// </summary>
    public bool IsPausedForMigration(Guid uuid) => Read(c =>
    {
        using var domain = c.TryLookupDomain(uuid);
        return domain?.GetState() is (DomainState.Paused, DomainSummary.PausedMigration);
    });

    /// <summary>The domain's state here, or null when libvirt does not know it here.</summary>
    public DomainState? State(Guid uuid) => Read(c =>
    {
        using var domain = c.TryLookupDomain(uuid);
        return domain?.GetState().State;
    });

    /// <summary>Memory (KiB) and vCPUs of a domain here, or null.</summary>
    public DomainInfo? Info(Guid uuid) => Read(c =>
    {
        using var domain = c.TryLookupDomain(uuid);
        return domain?.GetInfo();
    });

    /// <summary>Starts a transient domain from the stored XML, adapted for this hypervisor.</summary>
    public void Start(string storedXml)
    {
        var xml = adapter.Adapt(storedXml);
        Change(c => c.CreateDomain(xml).Dispose());
    }

    /// <summary>Defines the node's Ceph secret for RBD disks (<see cref="LibvirtConnection.DefineCephSecret"/>).</summary>
    public void DefineCephSecret(Guid uuid, string usageName, byte[] key) => Change(c => c.DefineCephSecret(uuid, usageName, key));

    /// <summary>Resizes the disk <paramref name="target"/> of a domain running here (<see cref="LibvirtDomain.BlockResize"/>).</summary>
    /// <exception cref="LibvirtException">No such domain here, no such disk, or QEMU refused.</exception>
    public void BlockResize(Guid uuid, string target, ulong bytes) => Change(c =>
    {
        using var domain = c.LookupDomain(uuid);
        domain.BlockResize(target, bytes);
    });

    /// <summary>Asks the guest to shut down.</summary>
    public void Shutdown(Guid uuid) => Change(c =>
    {
        using var domain = c.TryLookupDomain(uuid);
        domain?.Shutdown();
    });

    /// <summary>Stops the domain at once (no error when it is already gone).</summary>
    public void Destroy(Guid uuid) => Change(c =>
    {
        using var domain = c.TryLookupDomain(uuid);
        if (domain is not null && domain.GetState().State is not (DomainState.Shutoff or DomainState.NoState))
            domain.Destroy();
    });

    /// <summary>
    /// Live-migrates the domain to another libvirt, peer to peer (the source libvirt connects to
    /// <paramref name="destinationUri"/> itself). The domain stays transient, as PVC's are (they are created from
    /// ZooKeeper's XML, never defined). Throws <see cref="LibvirtException"/>, e.g. unsupported on the test driver.
    /// </summary>
    public void Migrate(Guid uuid, string destinationUri, TimeSpan maxDowntime)
    {
        var domain = Read(c => c.LookupDomain(uuid));
        using (domain)
        {
            // outside the lock: a migration takes seconds, libvirt's connections take calls from several threads, and
            // the keepalive and the other VMs must go on meanwhile (the last error is per thread, read on this one)
            domain.Migrate(destinationUri, new MigrationOptions { Flags = MigrationFlags.Live | MigrationFlags.PeerToPeer, MaxDowntime = maxDowntime });
        }
    }

    /// <summary>
    /// Makes a change on a running domain (a device attached or detached, vCPUs or memory set live); not repeated on a
    /// connection found dead (it may have happened). Throws <see cref="LibvirtException"/> with libvirt's reason when
    /// libvirt refuses it, and "NoDomain" when the domain does not run here.
    /// </summary>
    public void ChangeLive(Guid uuid, Action<LibvirtDomain> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Change(c =>
        {
            using var domain = c.LookupDomain(uuid);
            change(domain);
        });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _connection?.Dispose();
            _connection = null;
        }
    }

    /// <summary>
    /// Subscribes the fan-out to a new connection's lifecycle events (closing the connection ends it). A driver that
    /// refuses leaves the waits to their re-reads.
    /// </summary>
    private void Subscribe(LibvirtConnection connection)
    {
        try
        {
            connection.SubscribeLifecycleEvents(e =>
            {
                foreach (var handler in _handlers)
                    handler(e);
            });
        }
        catch (LibvirtException e)
        {
            System.Diagnostics.Trace.TraceWarning($"libvirt at {uri} gives no lifecycle events ({e.Message}): waits fall back to re-reading");
        }
    }

    /// <summary>A call that only reads: on a connection found dead, tried once more on a new one.</summary>
    private T Read<T>(Func<LibvirtConnection, T> call)
    {
        lock (_lock)
        {
            try
            {
                return Call(call);
            }
            catch (HypervisorUnreachableException e) when (e.InnerException is LibvirtException { } cause && cause.Operation != "virConnectOpen")
            {
                return Call(call);
            }
        }
    }

    /// <summary>A call that changes something: not repeated (it may have taken effect before the connection died).</summary>
    private void Change(Action<LibvirtConnection> call)
    {
        lock (_lock)
            Call<bool>(c =>
            {
                call(c);
                return true;
            });
    }

    /// <summary>Runs <paramref name="call"/> on the open connection, opening one when there is none; under the lock.</summary>
    private T Call<T>(Func<LibvirtConnection, T> call)
    {
        LibvirtConnection connection;
        try
        {
            if (_connection is null)
            {
                connection = _open(uri);
                Subscribe(connection);
                _connection = connection;
            }
            else
            {
                connection = _connection;
            }
        }
        catch (LibvirtException e)
        {
            throw new HypervisorUnreachableException($"libvirt at {uri} cannot be reached: {e.Message}", e);
        }
        try
        {
            return call(connection);
        }
        catch (LibvirtException e) when (!connection.IsAlive)
        {
            // dead for good (its daemon went away): the next call opens a new one
            _connection = null;
            connection.Dispose();
            throw new HypervisorUnreachableException($"The connection to libvirt at {uri} was lost: {e.Message}", e);
        }
    }
}
