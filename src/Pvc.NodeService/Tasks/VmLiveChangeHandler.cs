using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Pvc.Core.Errors;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Tasks;

/// <summary>
/// <c>vm.live_change</c> (PVC's API <c>/vm/&lt;vm&gt;/device</c> and the CLI's <c>--live</c>): changes a VM running on
/// this node through libvirt, on the running domain only (PVC's domains are transient): a bridged NIC attached
/// (<c>virDomainAttachDeviceFlags</c>) or detached by its MAC (<c>virDomainDetachDeviceFlags</c>), the vCPU count
/// (<c>virDomainSetVcpusFlags</c>) or the memory (<c>virDomainSetMemoryFlags</c>) set. The arguments are checked again
/// here and the device XML is built from them (<see cref="VmLiveChange.FromArguments"/>). A refusal of libvirt fails the
/// task "LiveChangeRefused" with libvirt's reason; the client then writes nothing. A hypervisor that cannot make such
/// a change at all (libvirt's "not supported": the test driver has no device attach) fails it "LiveChangeUnsupported",
/// and the client makes the change for the next restart instead. Not safe to repeat: a NIC attached
/// twice would be a second NIC. Its result: <c>{"vm": uuid, "change": what was done}</c>.
/// </summary>
public sealed class VmLiveChangeHandler : IClusterTaskHandler
{
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
        try
        {
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
                domain.DetachDeviceLive(change.DeviceXml());
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
