using System.Collections.Concurrent;
using System.Text.Json.Nodes;
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
/// will not write the stored XML, so the running VM must not get it either.
/// </remarks>
public sealed class VmLiveChangeHandler : IClusterTaskHandler
{
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _perVm = new();

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
            if (change.NotAfter is { } notAfter && DateTimeOffset.UtcNow > notAfter)
                throw new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.LiveChangeExpired,
                    $"The node {context.NodeName} got to {what} on VM {change.Vm} at {DateTimeOffset.UtcNow:u}, after its deadline {notAfter:u} (its client had stopped waiting for it): it was not made, and neither the VM nor its stored XML was changed. Make the change again.")
                { Target = change.Vm.ToString() };
            await Task.Run(() => hypervisor.ChangeLive(change.Vm, domain => Apply(domain, change)), ct);
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
