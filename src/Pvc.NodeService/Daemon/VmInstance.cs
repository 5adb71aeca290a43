using Microsoft.Extensions.Logging;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// One VM as this node sees it: each change of its state or node (a watch), and each keepalive, compares what the
/// cluster wants with what libvirt runs here, and acts as PVC's VMInstance does (start, restart, shutdown, stop,
/// migrate out or in, stop a VM that belongs elsewhere). One action at a time; each decision is re-read afterwards.
/// Migration (both sides of PVC's hand-shake) is in VmInstance.Migration.cs. Every read and write goes through
/// Core's <see cref="VmHostOperations"/>, whose writes check the state version this decision was based on.
/// </summary>
internal sealed partial class VmInstance(Guid uuid, VmHostOperations vms, NodeConfig config, Hypervisor hypervisor, KeepaliveClock keepalives, ILogger log)
{
    /// <summary>How often a graceful shutdown re-reads the domain besides libvirt's stop event (lost across a libvirtd restart).</summary>
    private static readonly TimeSpan ShutdownRecheck = TimeSpan.FromSeconds(2);

    private readonly Signal _wake = new();
    private Action? _changed;
    private readonly string _me = config.NodeName;

    public Guid Uuid { get; } = uuid;

    /// <summary>What was last read.</summary>
    public KnownVm? Known { get; private set; }

    public void Wake() => _wake.Set();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _wake.Set();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(cancellationToken);
                if (!await EvaluateAsync(cancellationToken))
                    return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // any error, not only ZooKeeper's and libvirt's: an instance that ended here would leave its VM
                // unsupervised on this node for the rest of the session (one bad VM definition did that)
                log.LogWarning("VM {Uuid}: {Message}; trying again", Uuid, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                _wake.Set();
            }
        }
    }

    /// <summary>One comparison and at most one action. False when the VM is gone from the cluster.</summary>
    private async Task<bool> EvaluateAsync(CancellationToken cancellationToken)
    {
        // one callback for all reads: the client keeps one registration per watcher, however often it is re-armed
        _changed ??= Wake;
        var vm = await vms.ReadAsync(Uuid, _changed, cancellationToken);
        var running = hypervisor.IsRunning(Uuid);
        if (vm is null)
        {
            if (running)
            {
                log.LogInformation("VM {Uuid} was removed from the cluster; stopping it", Uuid);
                hypervisor.Destroy(Uuid);
            }
            Known = null;
            return false;
        }

        DomainXml? parsed = null;
        try
        {
            parsed = DomainXml.Parse(vm.Xml);
        }
        catch (PvcException pvc) when (pvc.Kind == PvcErrorKind.InvalidArgument)
        {
        }
        Known = new KnownVm(Uuid, vm.Name, vm.Node, vm.State, parsed?.MemoryMiB ?? 0, parsed?.Vcpus ?? 0);
        if (vm.State is not (VmState.Migrate or VmState.MigrateLive))
            _settledLastNode = vm.LastNode; // PVC's last_lastnode: what an aborted migration puts back

        if (vm.Node == _me)
            await ActAsOwnerAsync(vm, running, cancellationToken);
        else if (running)
            await ActAsOtherAsync(vm, cancellationToken);
        return true;
    }

    private async Task ActAsOwnerAsync(HostedVm vm, bool running, CancellationToken cancellationToken)
    {
        var name = vm.Name;
        switch (vm.State, running)
        {
            case (VmState.Migrate or VmState.MigrateLive, true) when hypervisor.IsPausedForMigration(Uuid):
                // still coming in: its sender runs it until libvirt resumes it here; counted as arrived, it would be
                // written "start" while the sender may yet fail and keep it
                await ReceiveAsync(name, vm.LastNode, cancellationToken);
                break;
            case (VmState.Migrate or VmState.MigrateLive, true):
                // PVC: a VM to be received that already runs here counts as received
                log.LogInformation("VM {Name} arrived; it runs here", name);
                await vms.MarkArrivedAsync(Uuid, vm.StateVersion, cancellationToken);
                break;
            case (VmState.Migrate or VmState.MigrateLive, false):
                await ReceiveAsync(name, vm.LastNode, cancellationToken);
                break;
            case (VmState.Restart, true):
                log.LogInformation("Restarting VM {Name}", name);
                await StopGuestAsync(name, graceful: true, cancellationToken);
                await StartAsync(vm, cancellationToken);
                break;
            case (VmState.Shutdown, true):
                log.LogInformation("Shutting down VM {Name}", name);
                await StopGuestAsync(name, graceful: true, cancellationToken);
                await vms.MarkStoppedAsync(Uuid, vm.StateVersion, cancellationToken);
                break;
            case (VmState.Stop or VmState.Disable or VmState.Delete or VmState.Fail, true):
                log.LogInformation("Stopping VM {Name}", name);
                hypervisor.Destroy(Uuid);
                break;
            case (VmState.Start, false):
                await StartAsync(vm, cancellationToken);
                break;
            case (VmState.Restart, false):
                await vms.MarkRunningAsync(Uuid, vm.StateVersion, cancellationToken);
                break;
            case (VmState.Stop, false):
                await FinishHandOverAsync(vm, cancellationToken);
                break;
        }
        // a write that found the state changed wrote nothing: the watch wakes this instance to decide again
    }

    private async Task ActAsOtherAsync(HostedVm vm, CancellationToken cancellationToken)
    {
        if (vm.State is VmState.Migrate or VmState.MigrateLive && vm.Node is { } target)
        {
            // a flush of this node may have imposed a method (a VM whose drain strategy is restart goes by shutdown): the
            // read gives it in place of the VM's own (MigrationRequest.ImposedMethod)
            await SendAsync(vm.Name, vm.State, vm.StateVersion, target, vm.MigrationMethod, vm.MaxDowntime, cancellationToken);
        }
        else if (vm.State == VmState.Shutdown)
        {
            await StopGuestAsync(vm.Name, graceful: true, cancellationToken);
        }
        else
        {
            log.LogInformation("VM {Name} runs here but belongs to {Node}; stopping it", vm.Name, vm.Node);
            hypervisor.Destroy(Uuid);
        }
    }

    private async Task StartAsync(HostedVm vm, CancellationToken cancellationToken)
    {
        var name = vm.Name;
        if (Fencing.SelfFence.IsCutOff(config, keepalives))
        {
            // a node that has fenced itself starts nothing until a keepalive gets through: its VMs may be starting
            // elsewhere; the keepalive's reconciliation starts what is still assigned here once it is back
            log.LogWarning("Not starting VM {Name}: no keepalive has reached ZooKeeper for {Seconds:0} s (self-fenced)", name, keepalives.Since.TotalSeconds);
            return;
        }
        // defence in depth: Core checks the cluster's domain XML policy on every define and modify, but XML written
        // straight into ZooKeeper reaches this node unchecked (a qemu:commandline is code execution on the host)
        if (await vms.DomainXmlRefusalAsync(vm.Xml, name, cancellationToken) is { } refusal)
        {
            log.LogWarning("Not starting VM {Name}: its XML is refused by the cluster's domain XML policy: {Message}", name, refusal);
            await vms.MarkFailedAsync(Uuid, vm.StateVersion, $"Refused by the cluster's domain XML policy: {refusal}", cancellationToken);
            return;
        }
        try
        {
            log.LogInformation("Starting VM {Name}", name);
            hypervisor.Start(vm.Xml);
            await vms.ConfirmStartedAsync(Uuid, vm.StateVersion, cancellationToken);
        }
        catch (Exception e) when (e is LibvirtException or System.Xml.XmlException or FormatException)
        {
            log.LogWarning("VM {Name} failed to start: {Message}", name, e.Message);
            await vms.MarkFailedAsync(Uuid, vm.StateVersion, e.Message, cancellationToken);
        }
    }

    /// <summary>Shuts the guest down and waits (vm_shutdown_timeout), then stops it hard if it is still up.</summary>
    private async Task StopGuestAsync(string name, bool graceful, CancellationToken cancellationToken)
    {
        if (graceful)
        {
            hypervisor.Shutdown(Uuid);
            // on libvirt's stop event, with a slow re-read in case the event was lost (a libvirtd restart)
            if (!await hypervisor.WaitStoppedAsync(Uuid, config.VmShutdownTimeout, ShutdownRecheck, cancellationToken))
                log.LogWarning("VM {Name} did not shut down within {Timeout}; stopping it", name, config.VmShutdownTimeout);
        }
        hypervisor.Destroy(Uuid);
    }
}
