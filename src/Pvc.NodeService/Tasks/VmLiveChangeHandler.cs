using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Pvc.Core.Errors;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Tasks;

/// <summary>
/// <c>vm.live_change</c> (PVC's API <c>/vm/&lt;vm&gt;/device</c> and the CLI's <c>--live</c>): changes a VM running on
/// this node through libvirt, on the running domain only (PVC's domains are transient): a bridged NIC or an RBD disk attached
/// (<c>virDomainAttachDeviceFlags</c>) or detached by its MAC or guest device (<c>virDomainDetachDeviceFlags</c>), the vCPU count
/// (<c>virDomainSetVcpusFlags</c>) or the memory (<c>virDomainSetMemoryFlags</c>) set. The arguments are checked again
/// here and the device XML is built from them (<see cref="VmLiveChange.FromArguments"/>). A refusal of libvirt fails the
/// task "LiveChangeRefused" with libvirt's reason; the client then writes nothing. A hypervisor that cannot make such
/// a change at all (libvirt's "not supported": the test driver has no device attach) fails it "LiveChangeUnsupported",
/// and the client makes the change for the next restart instead. Not safe to repeat: a NIC attached
/// twice would be a second NIC. Its result: <c>{"vm": uuid, "change": what was done}</c>.
/// </summary>
/// <remarks>
/// The changes of one VM run one at a time on this node. A change whose deadline (<see cref="VmLiveChange.NotAfter"/>)
/// has passed when its turn comes fails "LiveChangeExpired" and changes nothing: its client has stopped waiting and
/// will not write the stored XML, so the running VM must not get it either. The deadline is measured on ZooKeeper's
/// clock, not this node's (a node whose clock is behind the client's made changes its client had given up on). A
/// detach ends when the device has left the running domain, or fails "LiveDetachNotDone" when the guest keeps it.
/// </remarks>
public sealed class VmLiveChangeHandler : IClusterTaskHandler
{
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _perVm = new();
    private readonly TimeProvider _time;

    /// <summary>A handler on the system's clock.</summary>
    public VmLiveChangeHandler()
        : this(TimeProvider.System)
    {
    }

    /// <summary>A handler on <paramref name="time"/> (tests: a node whose clock is off).</summary>
    public VmLiveChangeHandler(TimeProvider time) => _time = time ?? throw new ArgumentNullException(nameof(time));

    /// <inheritdoc />
    public string Kind => ClusterTaskKinds.VmLiveChange;

    /// <inheritdoc />
    public bool SafeToRepeat => false;

    /// <inheritdoc />
    public async Task<JsonNode?> RunAsync(ClusterTaskContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var change = VmLiveChange.FromArguments(context.Arguments);
        var hypervisor = context.Hypervisor ?? throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.LiveChangeRefused,
            $"The node service on {context.NodeName} has no libvirt connection for task {context.Task.Id}.") { Target = change.Vm.ToString() };
        var what = change.Describe();
        await context.ReportAsync(0, 1, $"{what} on VM {change.Vm}", ct);
        var turn = _perVm.GetOrAdd(change.Vm, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(ct);
        try
        {
            if (change.NotAfter is { } notAfter)
                await RequireInTimeAsync(context, change, notAfter, ct);
            await Task.Run(() => hypervisor.ChangeLive(change.Vm, domain => Apply(domain, change)), ct);
            if (change.Kind is VmLiveChangeKind.DetachNic or VmLiveChangeKind.DetachDisk)
                await WaitDetachedAsync(context, hypervisor, change, ct);
        }
        catch (LibvirtException e) when (e.IsUnsupported)
        {
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.LiveChangeUnsupported,
                $"libvirt on {context.NodeName} cannot {what} on a running VM: {e.LibvirtMessage ?? e.Message}.", e) { Target = change.Vm.ToString() };
        }
        catch (LibvirtException e)
        {
            throw Refused(context, change, e.LibvirtMessage ?? e.Message, e);
        }
        catch (HypervisorUnreachableException e)
        {
            throw Refused(context, change, e.Message, e);
        }
        finally
        {
            turn.Release();
        }
        context.Logger.LogInformation("VM {Vm}: {Change} (live)", change.Vm, what);
        await context.ReportAsync(1, 1, $"{what} on VM {change.Vm}: done", ct);
        return new JsonObject { ["vm"] = change.Vm.ToString(), ["change"] = what };
    }

    /// <summary>
    /// How long a detach may take to complete after libvirt accepted it (libvirt itself waits 5 s for QEMU's
    /// DEVICE_DELETED, then returns with the unplug still asked of the guest).
    /// </summary>
    public TimeSpan DetachTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Throws "LiveChangeExpired" when the change's turn came later than its client allows, measured on ZooKeeper's clock
    /// alone: from the task znode's creation (its ctime, stamped by the ZooKeeper leader) to a write of this node made
    /// now (the progress report, whose mtime the leader stamps too). The time allowed is the client's deadline less the
    /// task's creation time, both on the client's clock: a length, whatever either host's clock says. The two times are
    /// the clocks of the ZooKeeper leaders that handled each write (a leader change between them may mix two servers'
    /// clocks): a negative age is taken as past the deadline.
    /// </summary>
    private static async Task RequireInTimeAsync(ClusterTaskContext context, VmLiveChange change, DateTimeOffset notAfter, CancellationToken ct)
    {
        var what = change.Describe();
        var allowed = notAfter - context.Task.CreatedAt;
        await context.ReportAsync(0, 1, $"{what} on VM {change.Vm}: its turn came", ct);
        var age = await context.Cluster.Tasks.AgeAtLastWriteAsync(context.Task.Id, ct);
        var elapsed = age ?? TimeSpan.MaxValue;
        if (!InTime(age, allowed))
            throw new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.LiveChangeExpired,
                $"The node {context.NodeName} got to {what} on VM {change.Vm} {(age is null ? "after its task was removed" : age < TimeSpan.Zero ? "at a negative age by ZooKeeper's clock (the leaders that stamped its task's writes disagree)" : string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.0} s after it was submitted (by ZooKeeper's clock)"))}, past the {allowed.TotalSeconds:0.0} s its client allowed (its client had stopped waiting for it): it was not made, and neither the VM nor its stored XML was changed. Make the change again.")
            { Target = change.Vm.ToString() };
    }

    /// <summary>
    /// True when a task's age on ZooKeeper's clock (<see cref="ClusterTaskStore.AgeAtLastWriteAsync"/>; null: the task is
    /// gone) is within <paramref name="allowed"/>. A negative age (the ZooKeeper leaders that stamped the two times had
    /// clocks that disagree) measures nothing and is past the deadline.
    /// </summary>
    internal static bool InTime(TimeSpan? age, TimeSpan allowed) => age is { } a && a >= TimeSpan.Zero && a <= allowed;

    /// <summary>
    /// Waits until the detached device has left the running domain (its live XML): libvirt only asks QEMU, which asks
    /// the guest, and a guest that does not release it (no ACPI hot-plug, a driver that holds on) keeps it. Throws
    /// "LiveDetachNotDone" when it is still there after <see cref="DetachTimeout"/>: the client then writes nothing, so
    /// the stored XML keeps the device the guest still has.
    /// </summary>
    private async Task WaitDetachedAsync(ClusterTaskContext context, Hypervisor hypervisor, VmLiveChange change, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            var live = await Task.Run(() => hypervisor.LiveXml(change.Vm), ct);
            if (live is null || !HasDevice(live, change))
                return;
            if (_time.GetElapsedTime(started) >= DetachTimeout)
                throw new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.LiveDetachNotDone,
                    $"libvirt on {context.NodeName} asked the guest of VM {change.Vm} to release {(change.Kind == VmLiveChangeKind.DetachNic ? $"the NIC {change.Mac}" : $"the disk {change.Target} ({change.Volume})")}, and it still has it after {DetachTimeout.TotalSeconds:0} s (a guest must take part in an unplug: ACPI hot-plug, a driver that lets the device go). The stored definition was not changed and still has it; should the guest release it later, the VM runs without it until its next restart. Remove it without -Live to drop it at the next restart.")
                { Target = change.Vm.ToString() };
            await Task.Delay(DetachRecheck, _time, ct);
        }
    }

    private static readonly TimeSpan DetachRecheck = TimeSpan.FromMilliseconds(250);

    /// <summary>True when the live XML still has the NIC with the change's MAC, or the disk on its guest device.</summary>
    private static bool HasDevice(string liveXml, VmLiveChange change)
    {
        var devices = XDocument.Parse(liveXml).Root?.Element("devices");
        if (devices is null)
            return false;
        return change.Kind == VmLiveChangeKind.DetachNic
            ? devices.Elements("interface").Any(i => string.Equals((string?)i.Element("mac")?.Attribute("address"), change.Mac, StringComparison.OrdinalIgnoreCase))
            : devices.Elements("disk").Any(d => string.Equals((string?)d.Element("target")?.Attribute("dev"), change.Target, StringComparison.Ordinal));
    }

    private static void Apply(LibvirtDomain domain, VmLiveChange change)
    {
        switch (change.Kind)
        {
            case VmLiveChangeKind.AttachNic:
                domain.AttachDeviceLive(change.DeviceXml());
                break;
            case VmLiveChangeKind.DetachNic:
            case VmLiveChangeKind.DetachDisk:
                domain.DetachDeviceLive(change.DeviceXml());
                break;
            case VmLiveChangeKind.AttachDisk:
                domain.AttachDeviceLive(change.DeviceXml());
                break;
            case VmLiveChangeKind.SetVcpus:
                domain.SetVcpusLive(change.Vcpus!.Value);
                break;
            default:
                domain.SetMemoryLive(change.MemoryMiB!.Value * 1024);
                break;
        }
    }

    private static PvcException Refused(ClusterTaskContext context, VmLiveChange change, string reason, Exception inner) =>
        new(PvcErrorKind.InvalidOperation, PvcErrorIds.LiveChangeRefused,
            $"libvirt on {context.NodeName} refused to {change.Describe()} on the running VM: {reason}. The stored definition was not changed.", inner)
        { Target = change.Vm.ToString() };
}
