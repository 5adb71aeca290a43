using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Libvirt;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// One VM as this node sees it: each change of its state or node (a watch), and each keepalive, compares what the
/// cluster wants with what libvirt runs here, and acts as PVC's VMInstance does (start, restart, shutdown, stop,
/// migrate out or in, stop a VM that belongs elsewhere). One action at a time; each decision is re-read afterwards.
/// Migration (both sides of PVC's hand-shake) is in VmInstance.Migration.cs.
/// </summary>
internal sealed partial class VmInstance(Guid uuid, ZooKeeperClient zk, NodeConfig config, Hypervisor hypervisor, KeepaliveClock keepalives, ILogger log)
{
    private readonly Signal _wake = new();
    private Watcher? _watcher;
    private readonly string _me = config.NodeName;

    public Guid Uuid { get; } = uuid;

    /// <summary>What was last read.</summary>
    public KnownVm? Known { get; private set; }

    public void Wake() => _wake.Set();

    private string P(string key) => DomainKeys.Path(Uuid, key);

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
        // arm the watches before reading: a change made after this point wakes us again, so none is missed
        // one delegate for all: the client keeps one registration per watcher, however often it is re-armed
        _watcher ??= _ => Wake();
        await Task.WhenAll(zk.ExistsAsync(P(DomainKeys.State), _watcher, cancellationToken), zk.ExistsAsync(P(DomainKeys.Node), _watcher, cancellationToken));
        var batch = new ZnodeBatch(zk);
        foreach (var key in new[] { DomainKeys.Root, DomainKeys.State, DomainKeys.Node, DomainKeys.LastNode, DomainKeys.Xml, DomainKeys.MigrationMethod, DomainKeys.MigrationMaxDowntime })
            batch.Data(P(key));
        await batch.ReadAsync(cancellationToken);
        var running = hypervisor.IsRunning(Uuid);
        if (batch.Text(P(DomainKeys.Root)) is not { } name)
        {
            if (running)
            {
                log.LogInformation("VM {Uuid} was removed from the cluster; stopping it", Uuid);
                hypervisor.Destroy(Uuid);
            }
            Known = null;
            return false;
        }

        var stateText = batch.Text(P(DomainKeys.State)) ?? "";
        var stateVersion = batch.StatOf(P(DomainKeys.State))?.Version ?? -1;
        var state = Wire.VmState.Decode(stateText);
        var node = PvcText.Decode(batch.Text(P(DomainKeys.Node)));
        var xml = batch.Text(P(DomainKeys.Xml)) ?? "";
        DomainXml? parsed = null;
        try
        {
            parsed = DomainXml.Parse(xml);
        }
        catch (PvcException pvc) when (pvc.Kind == PvcErrorKind.InvalidArgument)
        {
        }
        Known = new KnownVm(Uuid, name, node, stateText, parsed?.MemoryMiB ?? 0, parsed?.Vcpus ?? 0);
        var lastNode = batch.Text(P(DomainKeys.LastNode)) ?? "";
        if (state is not (VmState.Migrate or VmState.MigrateLive))
            _settledLastNode = lastNode; // PVC's last_lastnode: what an aborted migration puts back

        if (node == _me)
            await ActAsOwnerAsync(name, state, stateVersion, running, xml, lastNode, cancellationToken);
        else if (running)
            await ActAsOtherAsync(name, state, stateVersion, node, batch, cancellationToken);
        return true;
    }

    private async Task ActAsOwnerAsync(string name, VmState state, int stateVersion, bool running, string xml, string lastNode, CancellationToken cancellationToken)
    {
        switch (state, running)
        {
            case (VmState.Migrate or VmState.MigrateLive, true) when hypervisor.IsPausedForMigration(Uuid):
                // still coming in: its sender runs it until libvirt resumes it here; counted as arrived, it would be
                // written "start" while the sender may yet fail and keep it
                await ReceiveAsync(name, lastNode, cancellationToken);
                break;
            case (VmState.Migrate or VmState.MigrateLive, true):
                // PVC: a VM to be received that already runs here counts as received
                log.LogInformation("VM {Name} arrived; it runs here", name);
                await WriteStateAsync(VmState.Start, stateVersion, cancellationToken);
                break;
            case (VmState.Migrate or VmState.MigrateLive, false):
                await ReceiveAsync(name, lastNode, cancellationToken);
                break;
            case (VmState.Restart, true):
                log.LogInformation("Restarting VM {Name}", name);
                await StopGuestAsync(name, graceful: true, cancellationToken);
                await StartAsync(name, xml, stateVersion, cancellationToken);
                break;
            case (VmState.Shutdown, true):
                log.LogInformation("Shutting down VM {Name}", name);
                await StopGuestAsync(name, graceful: true, cancellationToken);
                await WriteStateAsync(VmState.Stop, stateVersion, cancellationToken);
                break;
            case (VmState.Stop or VmState.Disable or VmState.Delete or VmState.Fail, true):
                log.LogInformation("Stopping VM {Name}", name);
                hypervisor.Destroy(Uuid);
                break;
            case (VmState.Start, false):
                await StartAsync(name, xml, stateVersion, cancellationToken);
                break;
            case (VmState.Restart, false):
                await WriteStateAsync(VmState.Start, stateVersion, cancellationToken);
                break;
        }
    }

    private async Task ActAsOtherAsync(string name, VmState state, int stateVersion, string? target, ZnodeBatch batch, CancellationToken cancellationToken)
    {
        if (state is VmState.Migrate or VmState.MigrateLive && target is not null)
        {
            var method = Wire.MigrationMethod.Decode(batch.Text(P(DomainKeys.MigrationMethod)));
            var downtime = TimeSpan.FromMilliseconds(PvcNumber.DecodeInt(batch.Text(P(DomainKeys.MigrationMaxDowntime))) ?? 300);
            await SendAsync(name, state, stateVersion, target, method, downtime, cancellationToken);
        }
        else if (state == VmState.Shutdown)
        {
            await StopGuestAsync(name, graceful: true, cancellationToken);
        }
        else
        {
            log.LogInformation("VM {Name} runs here but belongs to {Node}; stopping it", name, target);
            hypervisor.Destroy(Uuid);
        }
    }

    private async Task StartAsync(string name, string xml, int stateVersion, CancellationToken cancellationToken)
    {
        if (Fencing.SelfFence.IsCutOff(config, keepalives))
        {
            // a node that has fenced itself starts nothing until a keepalive gets through: its VMs may be starting
            // elsewhere; the keepalive's reconciliation starts what is still assigned here once it is back
            log.LogWarning("Not starting VM {Name}: no keepalive has reached ZooKeeper for {Seconds:0} s (self-fenced)", name, keepalives.Since.TotalSeconds);
            return;
        }
        try
        {
            log.LogInformation("Starting VM {Name}", name);
            hypervisor.Start(xml);
            if (Wire.VmState.Decode((await zk.GetDataAsync(P(DomainKeys.State), cancellationToken: cancellationToken)).Data is var d ? Encoding.UTF8.GetString(d) : "") != VmState.Start)
                await WriteStateAsync(VmState.Start, stateVersion, cancellationToken);
        }
        catch (Exception e) when (e is LibvirtException or System.Xml.XmlException or FormatException)
        {
            log.LogWarning("VM {Name} failed to start: {Message}", name, e.Message);
            await zk.MultiAsync([Op.Check(P(DomainKeys.State), stateVersion), Op.SetData(P(DomainKeys.State), "fail"u8.ToArray()),
                Op.SetData(P(DomainKeys.FailedReason), Encoding.UTF8.GetBytes(e.Message))], cancellationToken);
        }
    }

    /// <summary>Shuts the guest down and waits (vm_shutdown_timeout), then stops it hard if it is still up.</summary>
    private async Task StopGuestAsync(string name, bool graceful, CancellationToken cancellationToken)
    {
        if (graceful)
        {
            hypervisor.Shutdown(Uuid);
            var waited = Stopwatch.StartNew();
            // libvirt has no event here without an event loop: look every 250 ms, as PVC looks every second
            while (hypervisor.IsRunning(Uuid) && waited.Elapsed < config.VmShutdownTimeout)
                await Task.Delay(250, cancellationToken);
            if (hypervisor.IsRunning(Uuid))
                log.LogWarning("VM {Name} did not shut down within {Timeout}; stopping it", name, config.VmShutdownTimeout);
        }
        hypervisor.Destroy(Uuid);
    }

    private async Task WriteStateAsync(VmState state, int expectedVersion, CancellationToken cancellationToken)
    {
        try
        {
            await zk.SetDataAsync(P(DomainKeys.State), Encoding.UTF8.GetBytes(Wire.VmState.Encode(state)), expectedVersion, cancellationToken);
        }
        catch (BadVersionException)
        {
            // someone changed the state meanwhile: the watch wakes us to decide again
        }
    }
}
