using System.Runtime.InteropServices;

namespace Pvc.NodeService.Libvirt;

/// <summary>
/// The raw libvirt C API (libvirt.so.0, libvirt 9.0), source-generated with <see cref="LibraryImportAttribute"/>.
/// Synchronous and unchecked: callers go through <see cref="LibvirtConnection"/> and <see cref="LibvirtDomain"/>,
/// which check every result and read the error with <see cref="LibvirtErrors"/> on the same thread.
/// </summary>
/// <remarks>
/// Memory rules (see ../shared/lab/README.md, "P/Invoke gotchas"): a <c>const char*</c> result is declared
/// <see cref="IntPtr"/> and copied, never freed; an owned <c>char*</c> result is declared <see cref="IntPtr"/>,
/// copied, then freed with <see cref="NativeMemory.Free(void*)"/> (libc free). C <c>unsigned long</c> is
/// <see cref="nuint"/> (64-bit on Linux x86-64).
/// </remarks>
internal static unsafe partial class LibvirtNative
{
    private const string Lib = "libvirt.so.0";

    /// <summary>VIR_UUID_STRING_BUFLEN: 36 characters and the terminating NUL.</summary>
    internal const int UuidStringBufferLength = 37;

    [LibraryImport(Lib)]
    internal static partial int virInitialize();

    [LibraryImport(Lib)]
    internal static partial void virSetErrorFunc(IntPtr userData, delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void> handler);

    /// <summary>Thread-local, owned by libvirt: never free the result.</summary>
    [LibraryImport(Lib)]
    internal static partial VirError* virGetLastError();

    // ---- connections

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ConnectionHandle virConnectOpen(string? name);

    /// <summary>Returns the references left (0: freed), or -1 on error.</summary>
    [LibraryImport(Lib)]
    internal static partial int virConnectClose(IntPtr conn);

    /// <summary>1 while the connection (to a daemon, for remote URIs) is alive, 0 once it is dead, -1 on error.</summary>
    [LibraryImport(Lib)]
    internal static partial int virConnectIsAlive(ConnectionHandle conn);

    /// <summary>Owned <c>char*</c>: copy, then free.</summary>
    [LibraryImport(Lib)]
    internal static partial IntPtr virConnectGetHostname(ConnectionHandle conn);

    [LibraryImport(Lib)]
    internal static partial int virNodeGetInfo(ConnectionHandle conn, out VirNodeInfo info);

    /// <summary>Fills a NULL-terminated, owned array of owned <c>virDomainPtr</c>: free each, then the array.</summary>
    [LibraryImport(Lib)]
    internal static partial int virConnectListAllDomains(ConnectionHandle conn, out IntPtr domains, uint flags);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DomainHandle virDomainLookupByUUIDString(ConnectionHandle conn, string uuid);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DomainHandle virDomainLookupByName(ConnectionHandle conn, string name);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DomainHandle virDomainCreateXML(ConnectionHandle conn, string xml, uint flags);

    // ---- domains

    [LibraryImport(Lib)]
    internal static partial int virDomainFree(IntPtr domain);

    /// <summary><c>const char*</c> owned by the domain object: copy, never free.</summary>
    [LibraryImport(Lib)]
    internal static partial IntPtr virDomainGetName(DomainHandle domain);

    /// <summary><see cref="virDomainGetName(DomainHandle)"/> for a borrowed pointer (an event callback's domain).</summary>
    [LibraryImport(Lib, EntryPoint = "virDomainGetName")]
    internal static partial IntPtr virDomainGetNameBorrowed(IntPtr domain);

    /// <summary><see cref="virDomainGetUUIDString(DomainHandle, byte*)"/> for a borrowed pointer.</summary>
    [LibraryImport(Lib, EntryPoint = "virDomainGetUUIDString")]
    internal static partial int virDomainGetUUIDStringBorrowed(IntPtr domain, byte* buffer);

    /// <summary>Writes 36 characters and a NUL into <paramref name="buffer"/> (at least 37 bytes).</summary>
    [LibraryImport(Lib)]
    internal static partial int virDomainGetUUIDString(DomainHandle domain, byte* buffer);

    [LibraryImport(Lib)]
    internal static partial int virDomainGetState(DomainHandle domain, out int state, out int reason, uint flags);

    [LibraryImport(Lib)]
    internal static partial int virDomainGetInfo(DomainHandle domain, out VirDomainInfo info);

    /// <summary>Owned <c>char*</c>: copy, then free.</summary>
    [LibraryImport(Lib)]
    internal static partial IntPtr virDomainGetXMLDesc(DomainHandle domain, uint flags);

    [LibraryImport(Lib)]
    internal static partial int virDomainShutdown(DomainHandle domain);

    [LibraryImport(Lib)]
    internal static partial int virDomainDestroy(DomainHandle domain);

    /// <summary>VIR_MEMORY_PHYSICAL: <see cref="virDomainMemoryPeek"/> reads guest-physical addresses.</summary>
    internal const uint MemoryPhysical = 2;

    [LibraryImport(Lib)]
    internal static partial int virDomainMemoryPeek(DomainHandle domain, ulong start, nuint size, byte* buffer, uint flags);

    /// <summary>The domain's current background job (a migration, a save): type VIR_DOMAIN_JOB_NONE (0) when there is none.</summary>
    [LibraryImport(Lib)]
    internal static partial int virDomainGetJobInfo(DomainHandle domain, out VirDomainJobInfo info);

    /// <summary>Asks the domain's current background job to stop (a migration: cancelled, the guest stays).</summary>
    [LibraryImport(Lib)]
    internal static partial int virDomainAbortJob(DomainHandle domain);

    /// <summary>VIR_DOMAIN_BLOCK_RESIZE_BYTES: <see cref="virDomainBlockResize"/>'s size is in bytes, not KiB.</summary>
    internal const uint BlockResizeBytes = 1;

    /// <summary>Resizes a running domain's disk (by its target, e.g. <c>vda</c>) to <paramref name="size"/>; 0 or -1.</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainBlockResize(DomainHandle domain, string disk, ulong size, uint flags);

    /// <summary>VIR_DOMAIN_AFFECT_LIVE: a device or resource change made on the running domain only (PVC's domains are transient: they have no persistent config).</summary>
    internal const uint AffectLive = 1;

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainAttachDeviceFlags(DomainHandle domain, string xml, uint flags);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainDetachDeviceFlags(DomainHandle domain, string xml, uint flags);

    [LibraryImport(Lib)]
    internal static partial int virDomainSetVcpusFlags(DomainHandle domain, uint vcpus, uint flags);

    [LibraryImport(Lib)]
    internal static partial int virDomainSetMemoryFlags(DomainHandle domain, ulong memoryKiB, uint flags);

    [LibraryImport(Lib)]
    internal static partial int virDomainMigrateSetMaxDowntime(DomainHandle domain, ulong downtimeMilliseconds, uint flags);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainMigrateToURI(DomainHandle domain, string destinationUri, nuint flags, string? destinationName, nuint bandwidthMiBs);

    // ---- bulk statistics

    /// <summary>
    /// Every domain's statistics of the groups in <paramref name="stats"/> in one call: fills a NULL-terminated, owned
    /// array of records (free it with <see cref="virDomainStatsRecordListFree"/>). Returns the count, or -1.
    /// </summary>
    [LibraryImport(Lib)]
    internal static partial int virConnectGetAllDomainStats(ConnectionHandle conn, uint stats, out IntPtr records, uint flags);

    /// <summary>Frees the records of <see cref="virConnectGetAllDomainStats"/> and their domains.</summary>
    [LibraryImport(Lib)]
    internal static partial void virDomainStatsRecordListFree(IntPtr records);

    // ---- events

    /// <summary>Registers libvirt's own poll-based event loop; a thread must then run <see cref="virEventRunDefaultImpl"/>.</summary>
    [LibraryImport(Lib)]
    internal static partial int virEventRegisterDefaultImpl();

    /// <summary>Runs one iteration of the default event loop (blocks until something happens).</summary>
    [LibraryImport(Lib)]
    internal static partial int virEventRunDefaultImpl();

    /// <summary>VIR_DOMAIN_EVENT_ID_LIFECYCLE.</summary>
    internal const int DomainEventIdLifecycle = 0;

    /// <summary>
    /// Registers a domain event callback; <paramref name="domain"/> NULL for every domain. Returns the callback id,
    /// or -1. libvirt calls <paramref name="freeOpaque"/> with <paramref name="opaque"/> once it drops the callback.
    /// </summary>
    [LibraryImport(Lib)]
    internal static partial int virConnectDomainEventRegisterAny(
        ConnectionHandle conn,
        IntPtr domain,
        int eventId,
        delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, int, IntPtr, int> callback,
        IntPtr opaque,
        delegate* unmanaged[Cdecl]<IntPtr, void> freeOpaque);

    [LibraryImport(Lib)]
    internal static partial int virConnectDomainEventDeregisterAny(ConnectionHandle conn, int callbackId);

    // ---- structures

    /// <summary>virError (libvirt 9.0 layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirError
    {
        public int Code;
        public int Domain;
        public IntPtr Message;
        public int Level;
        public IntPtr Conn;
        public IntPtr Dom;
        public IntPtr Str1;
        public IntPtr Str2;
        public IntPtr Str3;
        public int Int1;
        public int Int2;
        public IntPtr Net;
    }

    /// <summary>virNodeInfo.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirNodeInfo
    {
        public fixed byte Model[32];
        public nuint MemoryKiB;
        public uint Cpus;
        public uint Mhz;
        public uint Nodes;
        public uint Sockets;
        public uint Cores;
        public uint Threads;
    }

    /// <summary>virDomainStatsRecord.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirDomainStatsRecord
    {
        public IntPtr Domain;
        public VirTypedParameter* Parameters;
        public int Count;
    }

    /// <summary>virTypedParameter: an 80-byte field name, a type, and an 8-byte value (a char* for strings).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirTypedParameter
    {
        public fixed byte Field[80];
        public int Type;
        public long Value;
    }

    /// <summary>virDomainJobInfo: the job's type (virDomainJobType), then its figures, unsigned long long each.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirDomainJobInfo
    {
        public int Type;
        public ulong TimeElapsed;
        public ulong TimeRemaining;
        public ulong DataTotal;
        public ulong DataProcessed;
        public ulong DataRemaining;
        public ulong MemTotal;
        public ulong MemProcessed;
        public ulong MemRemaining;
        public ulong FileTotal;
        public ulong FileProcessed;
        public ulong FileRemaining;
    }

    /// <summary>virDomainInfo.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirDomainInfo
    {
        public byte State;
        public nuint MaxMemoryKiB;
        public nuint MemoryKiB;
        public ushort VirtualCpus;
        public ulong CpuTimeNanoseconds;
    }
}
