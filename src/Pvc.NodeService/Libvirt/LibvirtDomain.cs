using System.Runtime.InteropServices;

namespace Pvc.NodeService.Libvirt;

/// <summary>
/// One libvirt domain (a VM) on a <see cref="LibvirtConnection"/>: a reference that must be disposed. All calls are
/// synchronous and may block on the hypervisor (a migration for seconds); they are safe from any thread, and a
/// call in progress keeps the handle alive if another thread disposes it.
/// </summary>
public sealed unsafe class LibvirtDomain : IDisposable
{
    private readonly DomainHandle handle;

    private LibvirtDomain(DomainHandle handle, string name, Guid uuid)
    {
        this.handle = handle;
        Name = name;
        Uuid = uuid;
    }

    /// <summary>The domain's name.</summary>
    public string Name { get; }

    /// <summary>The domain's UUID.</summary>
    public Guid Uuid { get; }

    /// <summary>Wraps an owned handle; on failure the handle is released.</summary>
    internal static LibvirtDomain FromHandle(DomainHandle handle)
    {
        try
        {
            return new LibvirtDomain(handle, ReadName(handle), ReadUuid(handle));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The domain's state and libvirt's reason for it (<c>virDomainGetState</c>).</summary>
    /// <returns>The state and the per-state reason code.</returns>
    public (DomainState State, int Reason) GetState()
    {
        if (LibvirtNative.virDomainGetState(handle, out int state, out int reason, 0) < 0)
            LibvirtErrors.Throw("virDomainGetState");
        return ((DomainState)state, reason);
    }

    /// <summary>Memory, vCPUs and CPU time (<c>virDomainGetInfo</c>).</summary>
    /// <returns>The domain's figures now.</returns>
    public DomainInfo GetInfo()
    {
        if (LibvirtNative.virDomainGetInfo(handle, out LibvirtNative.VirDomainInfo info) < 0)
            LibvirtErrors.Throw("virDomainGetInfo");
        return new DomainInfo(
            (DomainState)info.State,
            info.MaxMemoryKiB,
            info.MemoryKiB,
            info.VirtualCpus,
            TimeSpan.FromTicks((long)(info.CpuTimeNanoseconds / 100)));
    }

    /// <summary>The domain's XML description (<c>virDomainGetXMLDesc</c>).</summary>
    /// <param name="flags">What to include; the live definition without secrets by default.</param>
    /// <returns>The XML document as libvirt writes it.</returns>
    public string GetXml(DomainXmlFlags flags = DomainXmlFlags.None)
    {
        IntPtr xml = LibvirtNative.virDomainGetXMLDesc(handle, (uint)flags);
        if (xml == IntPtr.Zero)
            LibvirtErrors.Throw("virDomainGetXMLDesc");
        return LibvirtStrings.TakeOwned(xml);
    }

    /// <summary>
    /// Reads the guest's memory at a guest-physical address (<c>virDomainMemoryPeek</c> with VIR_MEMORY_PHYSICAL; QEMU
    /// saves the range through its monitor). For diagnostics and tests, such as following a counter the guest keeps.
    /// </summary>
    /// <param name="address">The guest-physical start address.</param>
    /// <param name="length">How many bytes (a few, for a counter: libvirt's remote protocol bounds one read).</param>
    /// <returns>The bytes read.</returns>
    public byte[] PeekPhysicalMemory(ulong address, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var buffer = new byte[length];
        fixed (byte* p = buffer)
        {
            if (LibvirtNative.virDomainMemoryPeek(handle, address, (nuint)length, p, LibvirtNative.MemoryPhysical) < 0)
                LibvirtErrors.Throw("virDomainMemoryPeek");
        }
        return buffer;
    }

    /// <summary>
    /// Grows (or shrinks) a running domain's disk to <paramref name="bytes"/> (<c>virDomainBlockResize</c> in bytes): QEMU
    /// resizes its block device and tells the guest, which sees the new size at once. For a network disk (RBD) the
    /// disk is named by its target.
    /// </summary>
    /// <param name="disk">The disk's target (<c>vda</c>, <c>sdb</c>) or its source path.</param>
    /// <param name="bytes">The new size in bytes.</param>
    public void BlockResize(string disk, ulong bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(disk);
        if (LibvirtNative.virDomainBlockResize(handle, disk, bytes, LibvirtNative.BlockResizeBytes) < 0)
            LibvirtErrors.Throw("virDomainBlockResize");
    }

    /// <summary>Asks the guest to shut down (ACPI power button or agent); returns before it is off (<c>virDomainShutdown</c>).</summary>
    public void Shutdown()
    {
        if (LibvirtNative.virDomainShutdown(handle) < 0)
            LibvirtErrors.Throw("virDomainShutdown");
    }

    /// <summary>Stops the domain at once, like pulling the plug (<c>virDomainDestroy</c>). A transient domain is gone afterwards.</summary>
    public void Destroy()
    {
        if (LibvirtNative.virDomainDestroy(handle) < 0)
            LibvirtErrors.Throw("virDomainDestroy");
    }

    /// <summary>
    /// True while the domain has a background job (<c>virDomainGetJobInfo</c>, type other than VIR_DOMAIN_JOB_NONE):
    /// on a migration's source, the outgoing migration, which libvirtd carries on after the client that asked for it
    /// (peer to peer) is gone.
    /// </summary>
    /// <returns>Whether a job is active.</returns>
    public bool HasActiveJob()
    {
        if (LibvirtNative.virDomainGetJobInfo(handle, out LibvirtNative.VirDomainJobInfo info) < 0)
            LibvirtErrors.Throw("virDomainGetJobInfo");
        return info.Type != 0;
    }

    /// <summary>Asks the domain's background job to stop (<c>virDomainAbortJob</c>); a migration is cancelled unless it is past its switch-over.</summary>
    public void AbortJob()
    {
        if (LibvirtNative.virDomainAbortJob(handle) < 0)
            LibvirtErrors.Throw("virDomainAbortJob");
    }

    /// <summary>
    /// Migrates the domain to another host (<c>virDomainMigrateSetMaxDowntime</c> when
    /// <see cref="MigrationOptions.MaxDowntime"/> is set, then <c>virDomainMigrateToURI</c>). Blocks until done.
    /// </summary>
    /// <param name="destinationUri">With <see cref="MigrationFlags.PeerToPeer"/> the destination's libvirt URI
    /// (for example <c>qemu+tcp://10.0.0.2/system</c>); without it, the hypervisor's own migration URI.</param>
    /// <param name="options">Flags, maximum downtime, name and bandwidth; <see cref="MigrationFlags.Default"/> if null.</param>
    /// <exception cref="LibvirtException">The migration failed; <see cref="LibvirtException.IsUnsupported"/> is true
    /// when the hypervisor cannot migrate at all (libvirt's test driver).</exception>
    public void Migrate(string destinationUri, MigrationOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(destinationUri);
        options ??= new MigrationOptions();
        if (options.MaxDowntime is { } downtime)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(downtime, TimeSpan.Zero, nameof(options));
            if (LibvirtNative.virDomainMigrateSetMaxDowntime(handle, (ulong)downtime.TotalMilliseconds, 0) < 0)
                LibvirtErrors.Throw("virDomainMigrateSetMaxDowntime");
        }
        if (LibvirtNative.virDomainMigrateToURI(handle, destinationUri, (nuint)options.Flags, options.DestinationName, (nuint)options.BandwidthMiBs) < 0)
            LibvirtErrors.Throw("virDomainMigrateToURI");
    }

    /// <summary>Attaches a device to the running domain (<c>virDomainAttachDeviceFlags</c>, VIR_DOMAIN_AFFECT_LIVE): a hot-plug.</summary>
    /// <param name="deviceXml">The device element (an <c>interface</c>, a <c>disk</c>).</param>
    /// <exception cref="LibvirtException">libvirt or QEMU refused it (a bridge missing on this host, a bus without hot-plug).</exception>
    public void AttachDeviceLive(string deviceXml)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceXml);
        if (LibvirtNative.virDomainAttachDeviceFlags(handle, deviceXml, LibvirtNative.AffectLive) < 0)
            LibvirtErrors.Throw("virDomainAttachDeviceFlags");
    }

    /// <summary>Detaches a device from the running domain (<c>virDomainDetachDeviceFlags</c>, VIR_DOMAIN_AFFECT_LIVE): a hot-unplug.</summary>
    /// <param name="deviceXml">The device element as the live XML has it, or enough of it to match (an interface's MAC).</param>
    /// <exception cref="LibvirtException">libvirt or QEMU refused it.</exception>
    public void DetachDeviceLive(string deviceXml)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceXml);
        if (LibvirtNative.virDomainDetachDeviceFlags(handle, deviceXml, LibvirtNative.AffectLive) < 0)
            LibvirtErrors.Throw("virDomainDetachDeviceFlags");
    }

    /// <summary>Sets the running domain's vCPU count within its maximum (<c>virDomainSetVcpusFlags</c>, VIR_DOMAIN_AFFECT_LIVE): vCPU hot-plug.</summary>
    /// <exception cref="LibvirtException">libvirt or QEMU refused it (above the maximum, no hot-plug).</exception>
    public void SetVcpusLive(int vcpus)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vcpus);
        if (LibvirtNative.virDomainSetVcpusFlags(handle, (uint)vcpus, LibvirtNative.AffectLive) < 0)
            LibvirtErrors.Throw("virDomainSetVcpusFlags");
    }

    /// <summary>Sets the running domain's memory within its maximum (<c>virDomainSetMemoryFlags</c>, VIR_DOMAIN_AFFECT_LIVE): the balloon's target.</summary>
    /// <exception cref="LibvirtException">libvirt or QEMU refused it (above the maximum, no balloon).</exception>
    public void SetMemoryLive(long memoryKiB)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(memoryKiB);
        if (LibvirtNative.virDomainSetMemoryFlags(handle, (ulong)memoryKiB, LibvirtNative.AffectLive) < 0)
            LibvirtErrors.Throw("virDomainSetMemoryFlags");
    }

    /// <summary>Releases the domain reference (<c>virDomainFree</c>); the domain itself is untouched.</summary>
    public void Dispose() => handle.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Uuid})";

    private static string ReadName(DomainHandle handle)
    {
        // const char* owned by the virDomain object: copy it, never free it.
        IntPtr name = LibvirtNative.virDomainGetName(handle);
        if (name == IntPtr.Zero)
            LibvirtErrors.Throw("virDomainGetName");
        return Marshal.PtrToStringUTF8(name)!;
    }

    private static Guid ReadUuid(DomainHandle handle)
    {
        byte* buffer = stackalloc byte[LibvirtNative.UuidStringBufferLength];
        if (LibvirtNative.virDomainGetUUIDString(handle, buffer) < 0)
            LibvirtErrors.Throw("virDomainGetUUIDString");
        return Guid.Parse(new ReadOnlySpan<byte>(buffer, LibvirtNative.UuidStringBufferLength - 1));
    }
}
