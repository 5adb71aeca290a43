using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

// Set-PvcVm's vCPU and memory parameters (pvc vm vcpu set, pvc vm memory set): their own Core change, so they are
// refused with the metadata and XML parameters, which another Core change writes.
public sealed partial class SetPvcVmCommand
{
    /// <summary>The vCPUs (PVC's <c>vm vcpu set</c>); the topology defaults to one socket with that many cores, as PVC's.</summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int? VCpu { get; set; }

    /// <summary>The vCPU topology as sockets,cores,threads (<c>-Topology 2,2,1</c>); their product is the vCPU count.</summary>
    [Parameter]
    [ValidateCount(3, 3)]
    [ValidateRange(1, 4096)]
    public int[]? Topology { get; set; }

    /// <summary>The memory (PVC's <c>vm memory set</c>): bytes, as <c>4GB</c>, or text with a unit, as <c>"4096M"</c>; whole MiB are kept.</summary>
    [Parameter]
    [ByteSizeTransformation]
    public long? Memory { get; set; }

    private void SetResources()
    {
        var change = new VmResourceChange
        {
            Vcpus = VCpu,
            Topology = Topology is [var sockets, var cores, var threads] ? new VcpuTopology(sockets, cores, threads) : null,
            MemoryMiB = Memory / (1024 * 1024),
        };
        if (!new VmMetadataChange { NodeLimit = NodeLimit, NodeSelector = NodeSelector, Autostart = Autostart, MigrationMethod = MigrationMethod, MigrationMaxDowntime = MaxDowntime, Profile = Profile, DrainStrategy = DrainStrategy }.IsEmpty || Xml is not null)
        {
            WriteError(PvcErrorRecords.Of(new ArgumentException("-VCpu, -Topology and -Memory are one change and metadata or -Xml another: give them in two commands."), "MixedChange", ErrorCategory.InvalidArgument, Name.ToString()));
            return;
        }
        if (ResolveVm() is not { } vm || !ShouldProcess(vm.Name, Restart ? "Change vCPUs/memory and restart the VM" : "Change vCPUs/memory"))
            return;
        if (TryAwait(async token => (VmChangeEffect?)await Vms.SetResourcesAsync(vm, change, Restart, token), vm.Name) is not { } effect)
            return;
        if (effect == VmChangeEffect.Live)
            WriteVerbose($"The VM '{vm.Name}' runs with its new vCPUs or memory now (its node changed it live).");
        if (effect == VmChangeEffect.PendingRestart)
            WriteWarning($"The VM '{vm.Name}' runs with its old vCPUs and memory until it restarts: Restart-PvcVm {vm.Name}, or give -Restart.");
        if (PassThru && ReadVm(vm) is { } now)
            WriteResult(now);
    }
}
