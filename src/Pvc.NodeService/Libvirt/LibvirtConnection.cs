using System.Runtime.InteropServices;

namespace Pvc.NodeService.Libvirt;

/// <summary>
/// A connection to one hypervisor through libvirt (<c>virConnectOpen</c>): <c>qemu:///system</c>,
/// <c>qemu+unix:///system?socket=/path</c>, <c>qemu+tcp://host/system</c>, or libvirt's test driver
/// <c>test:///abs/path/node.xml</c> (where each open starts from the file's state: keep one connection per node).
/// </summary>
/// <remarks>
/// Calls are synchronous and may block on the hypervisor; a libvirt connection may be used from several threads
/// at once. Domains it hands out are separate references that must be disposed too (<see cref="LibvirtDomain"/>);
/// <see cref="Close"/> reports any still alive. Lifecycle events: <see cref="SubscribeLifecycleEvents"/>.
/// </remarks>
public sealed unsafe partial class LibvirtConnection : IDisposable
{
    private readonly ConnectionHandle handle;
    private readonly Lock eventsGate = new();
    private DomainEventDispatcher? events;

    private LibvirtConnection(ConnectionHandle handle, string uri)
    {
        this.handle = handle;
        Uri = uri;
    }

    /// <summary>The URI the connection was opened with.</summary>
    public string Uri { get; }

    /// <summary>
    /// What closing returned: null while open, 0 when the connection was freed, above 0 when that many references
    /// were left (domain handles not disposed: a leak), -1 when libvirt failed to close.
    /// </summary>
    public int? CloseResult => handle.CloseResult;

    /// <summary>Opens a read-write connection.</summary>
    /// <param name="uri">The libvirt URI.</param>
    /// <returns>The open connection; dispose it.</returns>
    /// <exception cref="LibvirtException">libvirt could not open it (no such driver or socket, unreadable test file...).</exception>
    public static LibvirtConnection Open(string uri)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        LibvirtErrors.EnsureInitialized();
        ConnectionHandle handle = LibvirtNative.virConnectOpen(uri);
        if (handle.IsInvalid)
        {
            LibvirtException error = LibvirtErrors.Create("virConnectOpen");
            handle.Dispose();
            throw error;
        }
        return new LibvirtConnection(handle, uri);
    }

    /// <summary>
    /// False once the connection is dead for good (<c>virConnectIsAlive</c>): the daemon behind a remote URI went away,
    /// and every call on this connection fails from then on; a new connection is needed. Always true in-process.
    /// </summary>
    public bool IsAlive => !handle.IsClosed && LibvirtNative.virConnectIsAlive(handle) == 1;

    /// <summary>The host's name, CPUs and memory (<c>virConnectGetHostname</c>, <c>virNodeGetInfo</c>).</summary>
    /// <returns>The host as libvirt describes it.</returns>
    public HostInfo GetHostInfo()
    {
        IntPtr hostname = LibvirtNative.virConnectGetHostname(handle);
        if (hostname == IntPtr.Zero)
            LibvirtErrors.Throw("virConnectGetHostname");
        string name = LibvirtStrings.TakeOwned(hostname);

        if (LibvirtNative.virNodeGetInfo(handle, out LibvirtNative.VirNodeInfo info) < 0)
            LibvirtErrors.Throw("virNodeGetInfo");
        string model = Marshal.PtrToStringUTF8((IntPtr)info.Model) ?? "";
        return new HostInfo(name, model, (int)info.Cpus, (int)info.Mhz, (int)info.Nodes, (int)info.Sockets,
            (int)info.Cores, (int)info.Threads, info.MemoryKiB);
    }

    /// <summary>Every domain on the host, running or not, with its state (<c>virConnectListAllDomains</c>).</summary>
    /// <returns>The domains; one that disappears while being listed is left out.</returns>
    public IReadOnlyList<DomainSummary> ListDomains()
    {
        DomainHandle[] handles = ListAllDomainHandles();
        var summaries = new List<DomainSummary>(handles.Length);
        try
        {
            foreach (DomainHandle domainHandle in handles)
            {
                using LibvirtDomain domain = LibvirtDomain.FromHandle(domainHandle);
                try
                {
                    (DomainState state, int reason) = domain.GetState();
                    summaries.Add(new DomainSummary(domain.Name, domain.Uuid, state, reason));
                }
                catch (LibvirtException e) when (e.IsNoDomain)
                {
                    // gone between the listing and the state query
                }
            }
        }
        finally
        {
            foreach (DomainHandle domainHandle in handles)
                domainHandle.Dispose();
        }
        return summaries;
    }

    /// <summary>
    /// The running domains' statistics of <paramref name="groups"/>, all in one call (<c>virConnectGetAllDomainStats</c>,
    /// active domains only, without waiting for a domain busy with a job such as a migration when libvirt allows).
    /// </summary>
    /// <returns>A record per running domain; a group libvirt cannot give for a domain is left out of its record.</returns>
    public IReadOnlyList<DomainStatsRecord> GetAllDomainStats(DomainStatsGroups groups)
    {
        const uint active = 1; // VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE
        const uint noWait = 1u << 29; // VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT: a migrating domain's job lock is not waited for
        int count = LibvirtNative.virConnectGetAllDomainStats(handle, (uint)groups, out IntPtr records, active | noWait);
        if (count < 0)
        {
            // a driver that does not know NOWAIT (the test driver) refuses the flag: ask again without it
            _ = LibvirtErrors.Create("virConnectGetAllDomainStats");
            count = LibvirtNative.virConnectGetAllDomainStats(handle, (uint)groups, out records, active);
            if (count < 0)
                LibvirtErrors.Throw("virConnectGetAllDomainStats");
        }
        var result = new List<DomainStatsRecord>(count);
        try
        {
            for (int i = 0; i < count; i++)
                result.Add(ReadRecord(((LibvirtNative.VirDomainStatsRecord**)records)[i]));
        }
        finally
        {
            LibvirtNative.virDomainStatsRecordListFree(records);
        }
        return result;
    }

    private static DomainStatsRecord ReadRecord(LibvirtNative.VirDomainStatsRecord* record)
    {
        byte* uuid = stackalloc byte[LibvirtNative.UuidStringBufferLength];
        string name = Marshal.PtrToStringUTF8(LibvirtNative.virDomainGetNameBorrowed(record->Domain)) ?? "";
        Guid id = LibvirtNative.virDomainGetUUIDStringBorrowed(record->Domain, uuid) == 0 && Guid.TryParse(Marshal.PtrToStringUTF8((IntPtr)uuid), out Guid g) ? g : Guid.Empty;
        var numbers = new Dictionary<string, ulong>(record->Count, StringComparer.Ordinal);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int p = 0; p < record->Count; p++)
        {
            LibvirtNative.VirTypedParameter* parameter = record->Parameters + p;
            string field = Marshal.PtrToStringUTF8((IntPtr)parameter->Field) ?? "";
            long raw = parameter->Value;
            switch (parameter->Type)
            {
                case 1: // VIR_TYPED_PARAM_INT
                    numbers[field] = (ulong)Math.Max(0, (int)raw);
                    break;
                case 2: // UINT
                    numbers[field] = (uint)raw;
                    break;
                case 3: // LLONG
                    numbers[field] = (ulong)Math.Max(0, raw);
                    break;
                case 4: // ULLONG
                    numbers[field] = (ulong)raw;
                    break;
                case 5: // DOUBLE
                    double d = BitConverter.Int64BitsToDouble(raw);
                    numbers[field] = double.IsFinite(d) && d > 0 ? (ulong)Math.Min(d, ulong.MaxValue) : 0;
                    break;
                case 6: // BOOLEAN (a char)
                    numbers[field] = (ulong)(raw & 0xff) == 0 ? 0UL : 1UL;
                    break;
                case 7: // STRING
                    texts[field] = Marshal.PtrToStringUTF8((IntPtr)raw) ?? "";
                    break;
            }
        }
        return new DomainStatsRecord(id, name, numbers, texts);
    }

    /// <summary>Opens every domain on the host (<c>virConnectListAllDomains</c>).</summary>
    /// <returns>The domains; the caller disposes each.</returns>
    public IReadOnlyList<LibvirtDomain> OpenAllDomains()
    {
        DomainHandle[] handles = ListAllDomainHandles();
        var domains = new List<LibvirtDomain>(handles.Length);
        try
        {
            foreach (DomainHandle domainHandle in handles)
                domains.Add(LibvirtDomain.FromHandle(domainHandle));
            return domains;
        }
        catch
        {
            foreach (DomainHandle domainHandle in handles)
                domainHandle.Dispose();
            throw;
        }
    }

    /// <summary>Looks a domain up by UUID (<c>virDomainLookupByUUIDString</c>).</summary>
    /// <param name="uuid">The domain's UUID.</param>
    /// <returns>The domain; dispose it.</returns>
    /// <exception cref="LibvirtException">No such domain (<see cref="LibvirtException.IsNoDomain"/>) or another failure.</exception>
    public LibvirtDomain LookupDomain(Guid uuid) =>
        TakeDomain(LibvirtNative.virDomainLookupByUUIDString(handle, uuid.ToString("D")), "virDomainLookupByUUIDString");

    /// <summary>Looks a domain up by UUID, answering null when the host has none with that UUID.</summary>
    /// <param name="uuid">The domain's UUID.</param>
    /// <returns>The domain (dispose it), or null.</returns>
    public LibvirtDomain? TryLookupDomain(Guid uuid)
    {
        try
        {
            return LookupDomain(uuid);
        }
        catch (LibvirtException e) when (e.IsNoDomain)
        {
            return null;
        }
    }

    /// <summary>Looks a domain up by name (<c>virDomainLookupByName</c>).</summary>
    /// <param name="name">The domain's name.</param>
    /// <returns>The domain; dispose it.</returns>
    /// <exception cref="LibvirtException">No such domain (<see cref="LibvirtException.IsNoDomain"/>) or another failure.</exception>
    public LibvirtDomain LookupDomain(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return TakeDomain(LibvirtNative.virDomainLookupByName(handle, name), "virDomainLookupByName");
    }

    /// <summary>
    /// Creates and starts a transient domain from its XML (<c>virDomainCreateXML</c>). Pass XML the hypervisor
    /// accepts: see <see cref="DomainXmlAdapter"/> for KVM XML on a test-driver or TCG-only host.
    /// </summary>
    /// <param name="xml">The domain's XML description.</param>
    /// <returns>The running domain; dispose it.</returns>
    /// <exception cref="LibvirtException">libvirt refused it (invalid XML, a domain of that name or UUID is
    /// already active: <see cref="LibvirtErrorCode.OperationInvalid"/>, an unsupported device...).</exception>
    public LibvirtDomain CreateDomain(string xml)
    {
        ArgumentException.ThrowIfNullOrEmpty(xml);
        return TakeDomain(LibvirtNative.virDomainCreateXML(handle, xml, 0), "virDomainCreateXML");
    }

    /// <summary>
    /// Calls <paramref name="handler"/> for every lifecycle event (started, stopped, suspended...) of any domain on
    /// this connection, on libvirt's event loop thread, until the subscription or the connection is disposed.
    /// </summary>
    /// <param name="handler">Receives each event; keep it short (queue the work) and do not block.</param>
    /// <returns>The subscription; dispose it to stop.</returns>
    /// <exception cref="LibvirtException">The driver refused the registration.</exception>
    public DomainEventSubscription SubscribeLifecycleEvents(Action<DomainLifecycleEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (eventsGate)
        {
            ObjectDisposedException.ThrowIf(handle.IsClosed, this);
            events ??= DomainEventDispatcher.Register(handle);
            return new DomainEventSubscription(events, handler);
        }
    }

    /// <summary>Closes the connection (<c>virConnectClose</c>) and returns the references left.</summary>
    /// <returns>0 when the connection is freed; above 0 when domain handles were still alive (a leak: they keep the
    /// connection open until disposed). Repeated calls return the first result.</returns>
    public int Close()
    {
        lock (eventsGate)
        {
            if (!handle.IsClosed)
                events?.Close();
            handle.Dispose();
        }
        return handle.CloseResult ?? 0;
    }

    /// <summary>Closes the connection (see <see cref="Close"/>).</summary>
    public void Dispose() => Close();

    /// <inheritdoc/>
    public override string ToString() => Uri;

    private static LibvirtDomain TakeDomain(DomainHandle domain, string operation)
    {
        if (domain.IsInvalid)
        {
            LibvirtException error = LibvirtErrors.Create(operation);
            domain.Dispose();
            throw error;
        }
        return LibvirtDomain.FromHandle(domain);
    }

    private DomainHandle[] ListAllDomainHandles()
    {
        int count = LibvirtNative.virConnectListAllDomains(handle, out IntPtr array, 0);
        if (count < 0)
            LibvirtErrors.Throw("virConnectListAllDomains");
        var handles = new DomainHandle[count];
        try
        {
            // Each element is an owned reference: wrap them all before anything can fail.
            for (int i = 0; i < count; i++)
                handles[i] = new DomainHandle(((IntPtr*)array)[i]);
        }
        finally
        {
            NativeMemory.Free((void*)array);
        }
        return handles;
    }
}
