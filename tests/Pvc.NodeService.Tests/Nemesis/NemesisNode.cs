using Pvc.NodeService.Libvirt;
using Pvc.Testing.Lab;
using Pvc.Testing.Network;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// One node of the nemesis lab, made to be broken and booted again: its hypervisor (a libvirtd serving the test
/// driver, started afresh in the same folder, so at the same URI, after each death), its node service, its BMC (whose
/// power-off kills both), and one TCP proxy per ZooKeeper member in front of its ZooKeeper connection (to cut it).
/// Faults of the same kind nest (a second freeze, cut or silence is undone by the second end, not the first).
/// </summary>
internal sealed class NemesisNode : IAsyncDisposable
{
    private readonly string _hostDirectory;
    private readonly LifecycleChecker _checker;
    private readonly NemesisLog _log;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _booting = new(1, 1);
    private int _freezes;
    private int _cuts;
    private int _silences;
    private int _holds;
    private TestDriverDaemon? _restarting;
    private bool _disposed;

    /// <summary>Takes over a node the lab started (<see cref="FencedLabNode"/>: hypervisor, BMC, node service) to break and boot it again.</summary>
    /// <param name="name">The node's name.</param>
    /// <param name="directory">The lab's folder.</param>
    /// <param name="host">Its hypervisor, already followed by the checker.</param>
    /// <param name="bmc">Its BMC (the lab disposes it).</param>
    /// <param name="service">Its node service.</param>
    /// <param name="proxies">Its way to each ZooKeeper member (disposed with the node).</param>
    /// <param name="checker">The checker that follows its hypervisor.</param>
    /// <param name="log">The run's log.</param>
    public NemesisNode(string name, string directory, TestDriverDaemon host, SimulatedBmc bmc, NodeServiceProcess service, IReadOnlyList<TcpProxy> proxies,
        LifecycleChecker checker, NemesisLog log)
    {
        Name = name;
        _hostDirectory = Path.Combine(directory, $"{name}-host");
        Host = host;
        Bmc = bmc;
        Service = service;
        Proxies = proxies;
        _checker = checker;
        _log = log;
        Watch(host);
    }

    /// <summary>The node's name.</summary>
    public string Name { get; }

    /// <summary>The current hypervisor (a new one after each boot).</summary>
    public TestDriverDaemon Host { get; private set; }

    /// <summary>The BMC.</summary>
    public SimulatedBmc Bmc { get; }

    /// <summary>The node service (started again in place after each death).</summary>
    public NodeServiceProcess Service { get; }

    /// <summary>Its way to each ZooKeeper member.</summary>
    public IReadOnlyList<TcpProxy> Proxies { get; }

    /// <summary>True while a fault keeps the node down (a crash, a killed service): it is not booted meanwhile.</summary>
    public bool IsHeldDown
    {
        get
        {
            lock (_lock)
                return _holds > 0;
        }
    }

    /// <summary>True when its hypervisor or its service is not running (and libvirtd is not just restarting).</summary>
    public bool IsDown
    {
        get
        {
            lock (_lock)
                return !Service.IsRunning || (!Runs(Host) && _restarting is null);
        }
    }

    /// <summary>True while the daemon runs (false too once it was disposed after failing to come up).</summary>
    private static bool Runs(TestDriverDaemon host)
    {
        try
        {
            return host.IsRunning;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The processes a power-off kills: those running now (a dead one's PID may be another process's by now).</summary>
    private int[] Pids() =>
        [.. new int?[] { Service.Pid, Runs(Host) ? Host.Pid : null }.OfType<int>()];

    /// <summary>Follows a hypervisor's death: unless it is being restarted, its VMs died with it.</summary>
    private void Watch(TestDriverDaemon host) => _ = WatchAsync(host);

    private async Task WatchAsync(TestDriverDaemon host)
    {
        await host.WaitForExitAsync();
        lock (_lock)
        {
            if (host != Host || host == _restarting || _disposed)
                return;
        }
        _log.Line($"{Name}: its hypervisor died");
        _checker.Detach(Name, vmsDied: true, quiet: !_checker.IsAttached(Name));
    }

    /// <summary>
    /// Boots the node if it is down, its power is on and no fault holds it down: a fresh hypervisor (followed by the
    /// checker before anything can start on it), then the node service, each named to the BMC as soon as it exists.
    /// </summary>
    /// <returns>True when something was started.</returns>
    public async Task<bool> BootAsync()
    {
        if (!await _booting.WaitAsync(0))
            return false; // a boot under way
        try
        {
            if (IsHeldDown || !IsDown)
                return false;
            TestDriverDaemon? launched = null;
            using (await Bmc.HoldPowerAsync())
            {
                if (!Bmc.PowerIsOn)
                    return false;
                lock (_lock)
                {
                    if (_restarting is not null)
                        return false; // its libvirtd restart finishes first
                    if (!Runs(Host))
                    {
                        var old = Host;
                        Host = launched = TestDriverDaemon.Launch(_hostDirectory);
                        old.Dispose();
                    }
                }
                Bmc.PowerControls(Pids());
            }
            if (launched is not null)
            {
                _log.Line($"{Name}: booting (a fresh hypervisor)");
                try
                {
                    await launched.WaitReadyAsync();
                    await Task.Run(() => _checker.Attach(Name, launched.Uri));
                }
                catch (Exception e) when (e is LibvirtException or InvalidOperationException or TimeoutException)
                {
                    _log.Line($"{Name}: its hypervisor did not come up: {e.Message}");
                    return true;
                }
                Watch(launched);
            }
            using (await Bmc.HoldPowerAsync())
            {
                // the power may have been cut while the hypervisor came up (it was named, so it died with it)
                if (!Bmc.PowerIsOn || !Runs(Host) || IsHeldDown)
                    return true;
                if (!Service.IsRunning)
                {
                    _log.Line($"{Name}: starting its node service");
                    Service.Start();
                    lock (_lock)
                        _freezes = 0; // a new process: no freeze applies to it
                }
                Bmc.PowerControls(Pids());
            }
            return true;
        }
        finally
        {
            _booting.Release();
        }
    }

    /// <summary>The host loses power: service and hypervisor are SIGKILLed; held down until <see cref="Release"/>.</summary>
    public void Crash()
    {
        lock (_lock)
            _holds++;
        Service.Kill();
        Host.Kill();
        _checker.Detach(Name, vmsDied: true, quiet: !_checker.IsAttached(Name));
    }

    /// <summary>The node service is SIGKILLed; held down until <see cref="Release"/>.</summary>
    public void KillService()
    {
        lock (_lock)
            _holds++;
        Service.Kill();
    }

    /// <summary>Ends a crash or a service kill: the node may boot again.</summary>
    public void Release()
    {
        lock (_lock)
            _holds = Math.Max(0, _holds - 1);
    }

    /// <summary>SIGSTOP of the node service.</summary>
    public void Freeze()
    {
        lock (_lock)
        {
            if (_freezes++ == 0)
                Service.Freeze();
        }
    }

    /// <summary>SIGCONT of the node service, when no other freeze holds it.</summary>
    public void Thaw()
    {
        lock (_lock)
        {
            if (_freezes > 0 && --_freezes == 0)
                Service.Thaw();
        }
    }

    /// <summary>Cuts the node from every ZooKeeper member.</summary>
    public void Cut()
    {
        lock (_lock)
        {
            if (_cuts++ == 0)
            {
                foreach (var proxy in Proxies)
                    proxy.Cut();
            }
        }
    }

    /// <summary>Lets the node reach ZooKeeper again, when no other cut holds.</summary>
    public void Restore()
    {
        lock (_lock)
        {
            if (_cuts > 0 && --_cuts == 0)
            {
                foreach (var proxy in Proxies)
                    proxy.Restore();
            }
        }
    }

    /// <summary>The BMC stops answering.</summary>
    public void SilenceBmc()
    {
        lock (_lock)
        {
            if (_silences++ == 0)
                Bmc.Hang();
        }
    }

    /// <summary>The BMC answers again, when no other silence holds.</summary>
    public void AnswerBmc()
    {
        lock (_lock)
        {
            if (_silences > 0 && --_silences == 0)
                Bmc.Answer();
        }
    }

    /// <summary>
    /// Kills libvirtd, keeping what it ran as a restart keeps QEMU's processes: the node service is held still
    /// (SIGSTOP) while the running domains are listed until two listings agree, so that none changes between the
    /// listing and the kill. Returns what ran (to be made again by <see cref="EndLibvirtdRestartAsync"/>), or null
    /// when there is no hypervisor to restart.
    /// </summary>
    public async Task<LibvirtdRestart?> BeginLibvirtdRestartAsync()
    {
        TestDriverDaemon host;
        lock (_lock)
        {
            if (_restarting is not null || !Runs(Host))
                return null;
            host = Host;
        }
        Freeze();
        try
        {
            var cuts = Bmc.PowerCuts;
            IReadOnlyList<string>? before = null;
            IReadOnlyList<string> now;
            using (var look = LibvirtConnection.Open(host.Uri))
            {
                // two equal listings a moment apart: a call the service sent just before it stopped has landed
                for (var attempt = 0; ; attempt++)
                {
                    now = await Task.Run(() => RunningXml(look));
                    if ((before is not null && before.SequenceEqual(now)) || attempt >= 10)
                        break;
                    before = now;
                    await Task.Delay(100);
                }
            }
            lock (_lock)
                _restarting = host;
            _checker.Detach(Name, vmsDied: false);
            host.Kill();
            _log.Line($"{Name}: libvirtd killed; {now.Count} domains live on");
            return new LibvirtdRestart(host, now, cuts);
        }
        catch (LibvirtException e)
        {
            _log.Line($"{Name}: libvirtd restart not begun: {e.Message}");
            return null;
        }
        finally
        {
            Thaw();
        }
    }

    private static List<string> RunningXml(LibvirtConnection connection)
    {
        var xml = new List<string>();
        foreach (var domain in connection.OpenAllDomains())
        {
            using (domain)
            {
                try
                {
                    if (domain.GetState().State is not (DomainState.Shutoff or DomainState.NoState))
                        xml.Add(domain.GetXml());
                }
                catch (LibvirtException e) when (e.IsNoDomain)
                {
                    // gone while listed
                }
            }
        }
        xml.Sort(StringComparer.Ordinal);
        return xml;
    }

    /// <summary>
    /// Starts libvirtd again and makes its domains again, unless the BMC cut the power meanwhile (then they died,
    /// and the node boots afresh like any other).
    /// </summary>
    public async Task EndLibvirtdRestartAsync(LibvirtdRestart restart)
    {
        // a restarted libvirtd has its running domains back before it takes a connection; this one gets them made again
        // once it answers, so the node service is held still until they are (else it could connect in between, find a
        // VM it runs missing, and start it while it is made again: 'domain is already active', a VM failed by the lab)
        Freeze();
        try
        {
            await RestartLibvirtdAsync(restart);
        }
        finally
        {
            Thaw();
        }
    }

    private async Task RestartLibvirtdAsync(LibvirtdRestart restart)
    {
        TestDriverDaemon launched;
        using (await Bmc.HoldPowerAsync())
        {
            lock (_lock)
                _restarting = null;
            if (!Bmc.PowerIsOn || Bmc.PowerCuts > restart.PowerCuts)
            {
                _log.Line($"{Name}: powered off during the libvirtd restart: its domains died");
                _checker.Detach(Name, vmsDied: true);
                return;
            }
            lock (_lock)
            {
                Host = launched = TestDriverDaemon.Launch(_hostDirectory);
                restart.Old.Dispose();
            }
            Bmc.PowerControls(Pids());
        }
        try
        {
            await launched.WaitReadyAsync();
            var made = await Task.Run(() =>
            {
                using var connection = LibvirtConnection.Open(launched.Uri);
                var count = 0;
                foreach (var xml in restart.Domains)
                {
                    try
                    {
                        connection.CreateDomain(xml).Dispose();
                        count++;
                    }
                    catch (LibvirtException e)
                    {
                        _log.Line($"{Name}: a domain was not made again after the restart: {e.Message}");
                    }
                }
                return count;
            });
            await Task.Run(() => _checker.Attach(Name, launched.Uri));
            _log.Line($"{Name}: libvirtd back with {made} domains");
        }
        catch (Exception e) when (e is LibvirtException or InvalidOperationException or TimeoutException)
        {
            // killed by a power cut while it came up, or it failed: whatever it was to run died with it
            _log.Line($"{Name}: libvirtd did not come back: {e.Message}");
            _checker.Detach(Name, vmsDied: true);
            return;
        }
        Watch(launched);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
            _disposed = true;
        // the hypervisor may be a later one than the lab started; the lab disposes the BMC (and again, to no effect, the rest)
        Service.Dispose();
        Host.Dispose();
        foreach (var proxy in Proxies)
            await proxy.DisposeAsync();
        _booting.Dispose();
    }
}
