using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using CliWrap;
using Microsoft.Extensions.Logging;
using Pvc.Core.Errors;
using Pvc.Core.Networks;
using Pvc.Core.Schema;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Daemon;

namespace Pvc.NodeService.Networks;

/// <summary>
/// The primary coordinator's network services, in PVC's takeover phases: the cluster's floating addresses (C, D), the
/// metadata address on <c>lo</c> (E), the firewall (<see cref="NetworkFirewall"/>, loaded before any gateway so that guests
/// never reach the primary's other services), every managed network's gateway addresses on <c>vmbr&lt;vni&gt;</c> (F) once
/// the network is built on this node (<see cref="PrimaryDhcpOptions.Built"/>: its VXLAN attached to the bridge and both up),
/// the metadata API (<see cref="MetadataApi"/>), and for each network with an IPv4 gateway or DHCPv6 its
/// reservations as hosts files and a dnsmasq (DNS for its domain, DHCP when it has DHCPv4, router advertisements and DHCPv6
/// with DHCPv6; <see cref="DnsmasqArguments"/>) whose lease hook is this node service's own binary (<see cref="LeaseHook"/>).
/// A removed reservation's hosts file is deleted (a changed one's rewritten) and that dnsmasq is sent SIGHUP (by the pidfd
/// of the process this service started, once it wrote its pid file; else it is started again), as PVC does: dnsmasq picks
/// up new hosts files by itself but forgets a removed one's record, or a changed one's old record, only then.
/// Then, with a DNS database in pvc.conf, the DNS aggregator (<see cref="DnsAggregator"/>: PowerDNS over PostgreSQL on
/// the cluster and upstream floating addresses, each managed network's zone kept in step with its dnsmasq by zone
/// transfers). It follows the networks' watches and restarts a dnsmasq or PowerDNS that exits. On relinquish
/// (cancellation) it stops the DNS aggregator, every dnsmasq and the metadata API, then removes the floating and
/// metadata addresses and the gateways,
/// then the firewall, as PVC's become_secondary does.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class PrimaryDhcp(NetworkHostOperations networks, IpTool ip, PrimaryDhcpOptions options, ILogger log) : IPrimaryDuty
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly Dictionary<int, Server> _servers = [];
    private readonly Dictionary<int, IReadOnlyList<string>> _gateways = [];
    private readonly List<FloatingAddress> _floating = [];
    private readonly PrimaryAddresses _addresses = new(ip, log);
    private readonly NetworkFirewall _firewall = new(new NftTool(ip.Netns), options.RunDirectory, log);
    private readonly DnsAggregator? _dns = options.DnsDatabase is { } database && options.DnsAddresses.Count > 0
        ? new DnsAggregator(database, options.DnsAddresses, options.RunDirectory, options.Netns, log) : null;
    private readonly MetadataApi? _metadata = options.MetadataAddress is { } metadata
        ? new MetadataApi(networks.ReadGuestTableAsync, metadata, options.MetadataPort, options.Netns, log) : null;
    private bool _metadataAddressHeld;
    private volatile IReadOnlyList<Network> _zones = [];
    private readonly HashSet<int> _waiting = [];

    /// <inheritdoc />
    public string Name => "DHCP";

    /// <summary>One network's dnsmasq: its command line, how to stop it, its run, and a handle on its process once it started.</summary>
    private sealed class Server(string key, CancellationTokenSource stop)
    {
        public string Key { get; } = key;

        public CancellationTokenSource Stop { get; } = stop;

        public Task Running { get; set; } = Task.CompletedTask;

        /// <summary>The dnsmasq this service started (its pidfd), while it runs; null before it started and after it ended.</summary>
        public volatile ChildProcessHandle? Process;
    }

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var changed = new Signal();
        // a network built on this node (or being changed) wakes the services: its gateway waits for it
        using var built = options.Built?.Subscribe(changed.Set);
        if (options.DnsDatabase is not null && _dns is null)
            log.LogWarning("pvc.conf names a DNS database but no cluster or upstream floating address for PowerDNS to listen on: no DNS aggregator runs");
        using var transfers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var transferring = _dns is null ? Task.CompletedTask : TransferLoopAsync(_dns, transfers.Token);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var complete = await ReconcileAsync(await networks.ListAsync(changed.Set, cancellationToken), changed.Set, cancellationToken);
                    // something that could not be done yet (a bridge not built, a device missing) is tried again soon
                    if (complete)
                        await changed.WaitAsync(cancellationToken);
                    else
                        await changed.WaitAsync(RetryAfter, cancellationToken);
                }
                catch (NftCommandException e)
                {
                    log.LogError("The firewall could not be loaded, so no further gateway is added (guests would reach this node's services): {Message}", e.Message);
                    await changed.WaitAsync(RetryAfter, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    log.LogWarning("Serving the networks failed: {Message}", e.Message);
                    await changed.WaitAsync(RetryAfter, cancellationToken);
                }
            }
        }
        finally
        {
            // relinquish: the DNS aggregator and the DHCP servers stop first, then the floating addresses and the
            // gateways go, then the firewall
            await transfers.CancelAsync();
            await transferring.ContinueWith(_ => { }, TaskScheduler.Default);
            // stopped, not disposed: the duty runs again when this node is named primary again. Each step runs even
            // when one before it failed (logged): a DNS aggregator that does not stop must not leave the floating
            // addresses, the gateways or the firewall on a node that is no longer primary
            if (_dns is not null)
                await RelinquishStepAsync("stop the DNS aggregator", _dns.StopAsync);
            _zones = [];
            _waiting.Clear();
            foreach (var vni in _servers.Keys.ToList())
                await RelinquishStepAsync($"stop DHCP for network {IpTool.Arg(vni)}", () => StopServerAsync(vni));
            if (_metadata is not null)
                await RelinquishStepAsync("stop the metadata API", _metadata.StopAsync);
            // an address is forgotten only once it is gone: one whose removal failed stays held, and the next relinquish
            // (after this node is primary again) removes it, so that it is never left beside the new primary's
            foreach (var floating in Enumerable.Reverse(_floating).ToList())
                if (await RelinquishStepAsync($"remove the {floating.Network} floating address", () => _addresses.RemoveAsync(floating.Device, floating.Cidr, CancellationToken.None)))
                    _floating.Remove(floating);
            if (_metadataAddressHeld && await RelinquishStepAsync("remove the metadata address", () => _addresses.RemoveAsync("lo", MetadataCidr, CancellationToken.None)))
                _metadataAddressHeld = false;
            foreach (var vni in _gateways.Keys.ToList())
                await RelinquishStepAsync($"remove the gateways of network {IpTool.Arg(vni)}", async () => await RemoveGatewaysAsync(vni, CancellationToken.None));
            await RelinquishStepAsync("remove the firewall", async () =>
            {
                try
                {
                    await _firewall.RemoveAsync(CancellationToken.None);
                }
                catch (NftCommandException e)
                {
                    log.LogWarning("The firewall could not be removed: {Message}", e.Message);
                }
            });
        }
    }

    /// <summary>One step of the relinquish: a failure is logged and the next step runs all the same.</summary>
    private async Task RelinquishStepAsync(string step, Func<Task> run) =>
        await RelinquishStepAsync(step, async () =>
        {
            await run();
            return true;
        });

    /// <summary>One step of the relinquish that reports whether it was done (an address removed); false when it failed (logged).</summary>
    private async Task<bool> RelinquishStepAsync(string step, Func<Task<bool>> run)
    {
        try
        {
            if (options.RelinquishFault is { } fault)
                await fault(step);
            if (await run())
                return true;
            log.LogError("Relinquishing the primary's network services: could not {Step}; it is tried again on the next relinquish", step);
        }
        catch (Exception e)
        {
            log.LogError("Relinquishing the primary's network services: could not {Step}: {Message}", step, e.Message);
        }
        return false;
    }

    /// <summary>
    /// Removes what a primary of this node left behind when its service ended without relinquishing (SIGKILL, OOM, a
    /// crash): the gateways of <paramref name="list"/>'s managed networks, the floating addresses, a dnsmasq or PowerDNS
    /// still running from its pid file, and the firewall. Run at session start, before this node can take over again; else the
    /// next primary would give the network a second gateway with the same address.
    /// </summary>
    public async Task ClearStaleAsync(IReadOnlyList<Network> list, CancellationToken cancellationToken)
    {
        foreach (var file in Directory.Exists(options.RunDirectory) ? Directory.GetFiles(options.RunDirectory, "dnsmasq-*.pid") : [])
            KillStale(file, "dnsmasq");
        KillStale(Path.Combine(options.RunDirectory, "pdns", "pdns.pid"), "pdns_server");
        foreach (var network in list.Where(n => n.Type == NetworkType.Managed))
            foreach (var gateway in new[] { network.Ip4Gateway, network.Ip6Gateway }.OfType<System.Net.IPAddress>())
                await _addresses.RemoveStaleAsync(NetworkLinks.BridgeName(network.Vni), gateway.ToString(), cancellationToken);
        foreach (var floating in options.FloatingAddresses)
            await _addresses.RemoveStaleAsync(floating.Device, floating.Address.ToString(), cancellationToken);
        if (options.MetadataAddress is { } metadata)
            await _addresses.RemoveStaleAsync("lo", metadata.ToString(), cancellationToken);
        try
        {
            await _firewall.RemoveAsync(cancellationToken);
        }
        catch (NftCommandException e)
        {
            log.LogDebug("No firewall to clear: {Message}", e.Message);
        }
    }

    private void KillStale(string pidFile, string program)
    {
        if (!File.Exists(pidFile))
            return;
        try
        {
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/comm").Trim() == program)
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                log.LogWarning("Stopped {Program} {Pid} left running by a primary of this node ({File})", program, pid, pidFile);
            }
            File.Delete(pidFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            // gone already
        }
    }

    /// <summary>One pass in the phases' order; false when something is to be tried again soon.</summary>
    private async Task<bool> ReconcileAsync(IReadOnlyList<Network> list, Action wake, CancellationToken cancellationToken)
    {
        var complete = true;
        // C, D: the floating addresses
        foreach (var floating in options.FloatingAddresses.Where(f => !_floating.Contains(f)))
        {
            try
            {
                // counted as held before it is added: a relinquish during the add (or its arping) must remove it
                _floating.Add(floating);
                await _addresses.AddAsync(floating.Device, floating.Cidr, cancellationToken);
                log.LogInformation("Added the {Network} floating address {Address} on {Device}", floating.Network, floating.Cidr, floating.Device);
            }
            catch (IpCommandException e)
            {
                _floating.Remove(floating);
                log.LogWarning("The {Network} floating address {Address} could not be added: {Message}", floating.Network, floating.Cidr, e.Message);
                complete = false;
            }
        }

        // E: the metadata address
        if (options.MetadataAddress is not null && !_metadataAddressHeld)
        {
            try
            {
                _metadataAddressHeld = true;
                await _addresses.AddAsync("lo", MetadataCidr, cancellationToken);
                log.LogInformation("Added the metadata address {Address} on lo", MetadataCidr);
            }
            catch (IpCommandException e)
            {
                _metadataAddressHeld = false;
                log.LogWarning("The metadata address {Address} could not be added: {Message}", MetadataCidr, e.Message);
                complete = false;
            }
        }

        var managed = new List<Network>();
        foreach (var network in list.Where(n => n.Type == NetworkType.Managed))
        {
            try
            {
                // the values reach nft, ip, dnsmasq's command line and files: a network Core's rules refuse is not served
                NetworkValidation.Validate(network);
                managed.Add(network);
            }
            catch (PvcException e)
            {
                log.LogWarning("Network {Vni} is not served: {Message}", network.Vni, e.Message);
            }
        }
        // a dnsmasq on every managed network's IPv4 gateway, and on its IPv6 gateway with DHCPv6, as PVC: its DNS, and its
        // DHCP when the network has DHCPv4 or DHCPv6
        foreach (var vni in _servers.Keys.Where(v => managed.All(n => n.Vni != v || !DnsmasqArguments.Serves(n))).ToList())
            await StopServerAsync(vni);
        foreach (var vni in _gateways.Keys.Where(v => managed.All(n => n.Vni != v)).ToList())
            await RemoveGatewaysAsync(vni, cancellationToken);

        _waiting.RemoveWhere(v => managed.All(n => n.Vni != v));
        // the input policy on every network's bridge before any gateway is there
        await _firewall.ApplyAsync(managed, cancellationToken);

        // F: the gateways, for every managed network (DHCP or not)
        var gatewaysReadded = new Dictionary<int, bool>();
        foreach (var network in managed)
        {
            // not before the network is built here: on a bridge without its VXLAN a guest's DHCP OFFER would be lost. A
            // gateway already up stays (the network is being changed, not removed); the build wakes this pass again
            if (options.Built is { } instances && !instances.IsBuilt(network.Vni))
            {
                if (_waiting.Add(network.Vni))
                    log.LogInformation("The gateway of network {Vni} waits until the network is built on this node", network.Vni);
                continue;
            }
            _waiting.Remove(network.Vni);
            try
            {
                gatewaysReadded[network.Vni] = await EnsureGatewaysAsync(network, cancellationToken);
            }
            catch (IpCommandException e)
            {
                log.LogWarning("Network {Vni} is not served yet: {Message}", network.Vni, e.Message);
                complete = false;
            }
        }
        // G: the metadata API, then the DHCP servers
        if (_metadata is not null && _metadataAddressHeld && !_metadata.IsRunning)
        {
            try
            {
                _metadata.Start();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or System.Net.Sockets.SocketException)
            {
                log.LogWarning("The metadata API cannot listen on {Prefix}: {Message}", _metadata.Prefix, e.Message);
                complete = false;
            }
        }
        foreach (var network in managed.Where(n => DnsmasqArguments.Serves(n) && gatewaysReadded.ContainsKey(n.Vni)))
        {
            try
            {
                await EnsureServerAsync(network, gatewaysReadded[network.Vni], wake, cancellationToken);
            }
            catch (IpCommandException e)
            {
                log.LogWarning("Network {Vni} is not served yet: {Message}", network.Vni, e.Message);
                complete = false;
            }
            catch (PvcException e)
            {
                log.LogWarning("Network {Vni} gets no DNS or DHCP: {Message}", network.Vni, e.Message);
            }
        }
        if (_dns is not null && !await EnsureDnsAsync(_dns, managed, wake, cancellationToken))
            complete = false;
        return complete;
    }

    private string MetadataCidr => $"{options.MetadataAddress}/32";

    /// <summary>The DNS aggregator after the dnsmasqs (PVC's last takeover step): the zones in the database, then PowerDNS; false when the database did not answer.</summary>
    private async Task<bool> EnsureDnsAsync(DnsAggregator dns, IReadOnlyList<Network> managed, Action wake, CancellationToken cancellationToken)
    {
        var zones = new List<Network>();
        foreach (var network in managed)
        {
            try
            {
                NetworkValidation.ServedDomain(network);
                zones.Add(network);
            }
            catch (PvcException e)
            {
                log.LogWarning("Network {Vni} gets no DNS zone: {Message}", network.Vni, e.Message);
            }
        }
        try
        {
            await dns.SyncZonesAsync(zones, cancellationToken);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            log.LogWarning("The DNS aggregator's database did not answer: {Message}", e.Message);
            return false;
        }
        _zones = zones;
        dns.EnsureStarted(wake);
        return true;
    }

    /// <summary>PVC's AXFR thread: each round, every zone's records are transferred from its network's dnsmasq into the database.</summary>
    private async Task TransferLoopAsync(DnsAggregator dns, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var network in _zones.Where(n => n.Ip4Gateway is not null))
            {
                try
                {
                    await dns.TransferAsync(network, cancellationToken);
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException or PvcException or CliWrap.Exceptions.CliWrapException)
                {
                    log.LogWarning("The DNS zone of network {Vni} could not be brought in step with its dnsmasq: {Message}", network.Vni, e.Message);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
            try
            {
                await Task.Delay(options.DnsTransferInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Puts the network's gateway addresses on its bridge and takes off old ones; true when one had to be (re)added.</summary>
    private async Task<bool> EnsureGatewaysAsync(Network network, CancellationToken cancellationToken)
    {
        var bridge = NetworkLinks.BridgeName(network.Vni);
        List<string> wanted = [];
        if (network.Ip4Gateway is { } g4 && network.Ip4Network is { } n4)
            wanted.Add($"{g4}/{n4.PrefixLength.ToString(CultureInfo.InvariantCulture)}");
        if (network.Ip6Gateway is { } g6 && network.Ip6Network is { } n6)
            wanted.Add($"{g6}/{n6.PrefixLength.ToString(CultureInfo.InvariantCulture)}");
        if (_gateways.TryGetValue(network.Vni, out var had))
            foreach (var old in had.Except(wanted))
                await _addresses.RemoveAsync(bridge, old, cancellationToken);
        // the bridge may have been made again meanwhile (its addresses go with it): what is there is looked at, not remembered
        var present = await ip.ListAddressesAsync(bridge, cancellationToken);
        var added = false;
        foreach (var cidr in wanted.Where(w => !present.Contains(w)))
        {
            _gateways[network.Vni] = wanted;
            await _addresses.AddAsync(bridge, cidr, cancellationToken);
            log.LogInformation("Added the gateway {Gateway} of network {Vni}", cidr, network.Vni);
            added = true;
        }
        _gateways[network.Vni] = wanted;
        return added;
    }

    /// <summary>Removes the network's gateway addresses; those whose removal failed stay remembered (to be removed again later); true when none is left.</summary>
    private async Task<bool> RemoveGatewaysAsync(int vni, CancellationToken cancellationToken)
    {
        if (!_gateways.TryGetValue(vni, out var gateways))
            return true;
        var left = new List<string>();
        foreach (var cidr in gateways)
            if (!await _addresses.RemoveAsync(NetworkLinks.BridgeName(vni), cidr, cancellationToken))
                left.Add(cidr);
        if (left.Count == 0)
            _gateways.Remove(vni);
        else
            _gateways[vni] = left;
        return left.Count == 0;
    }

    private async Task EnsureServerAsync(Network network, bool gatewayReadded, Action wake, CancellationToken cancellationToken)
    {
        var vni = network.Vni;
        var hosts = Path.Combine(options.RunDirectory, "dnsmasq", IpTool.Arg(vni));
        var stale = WriteReservations(network, hosts);
        var pidFile = Path.Combine(options.RunDirectory, $"dnsmasq-{IpTool.Arg(vni)}.pid");
        var args = DnsmasqArguments.For(network, hosts, options.LeaseHook, pidFile)!;
        var key = string.Join('\n', args);
        if (_servers.TryGetValue(vni, out var server) && server.Key == key && !server.Running.IsCompleted && !gatewayReadded)
        {
            if (!stale)
                return;
            // dnsmasq reads a hosts file added to its hostsdir by itself (inotify) but keeps a removed one's reservation,
            // and a changed one's old, until SIGHUP (PVC sends it); the signal goes to the process this service started,
            // by its pidfd, once it wrote its pid file (after its signal handlers are in: SIGHUP before would end it).
            // Otherwise it is started again, which reads the hostsdir afresh
            if (server.Process?.HangupOnceStarted(pidFile) == true)
            {
                log.LogInformation("Told dnsmasq of network {Vni} of a removed or changed reservation (SIGHUP)", vni);
                return;
            }
        }
        if (server is not null)
            await StopServerAsync(vni);
        var stop = new CancellationTokenSource();
        var started = new Server(key, stop);
        started.Running = RunDnsmasqAsync(vni, args, wake, started, stop.Token);
        _servers[vni] = started;
        var gateways = string.Join(", ", new[] { network.Ip4Gateway, network.Ip6Dhcp ? network.Ip6Gateway : null }.OfType<IPAddress>());
        if (network.Ip4Dhcp)
            log.LogInformation("DNS and DHCP for network {Vni} on {Gateway}: {Start} to {End}{Ip6}", vni, gateways, network.Ip4DhcpStart, network.Ip4DhcpEnd,
                network.Ip6Dhcp ? ", IPv6 router advertisements" : "");
        else if (network.Ip6Dhcp)
            log.LogInformation("DNS, DHCPv6 and router advertisements for network {Vni} on {Gateway} (no DHCPv4)", vni, gateways);
        else
            log.LogInformation("DNS for network {Vni} on {Gateway} (no DHCPv4)", vni, gateways);
    }

    /// <summary>
    /// Writes one hosts file per reservation ("mac,ip", named by the MAC) and deletes the others; true when one went or
    /// an existing one changed (dnsmasq must be told of both; a new file it reads by itself).
    /// Each reservation is checked again (a MAC in PVC's form, an address of the network other than its gateway): the
    /// keys are open to anyone in PVC-compatible mode, and a comma in a MAC would add dnsmasq host fields.
    /// </summary>
    private bool WriteReservations(Network network, string directory)
    {
        // dnsmasq reads it after dropping root to its own user
        const UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(directory, readable);
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var reservation in network.Reservations)
        {
            try
            {
                var mac = NetworkValidation.ValidateReservation(network, reservation);
                wanted[mac] = $"{mac},{reservation.IpAddress}";
            }
            catch (PvcException e)
            {
                log.LogWarning("A reservation of network {Vni} is not served: {Message}", network.Vni, e.Message);
            }
        }
        var stale = false;
        foreach (var file in Directory.GetFiles(directory).Where(f => !wanted.ContainsKey(Path.GetFileName(f))))
        {
            File.Delete(file);
            stale = true; // dnsmasq reads added files itself but must be told of removed ones
        }
        foreach (var (mac, line) in wanted)
        {
            var path = Path.Combine(directory, mac);
            var existed = File.Exists(path);
            if (!existed || File.ReadAllText(path) != line)
            {
                File.WriteAllText(path, line);
                // and of changed ones: it adds the new record but keeps the old one (a MAC's address changed, Core's
                // remove and add read in one pass) until SIGHUP
                stale |= existed;
            }
        }
        return stale;
    }

    private async Task StopServerAsync(int vni)
    {
        if (!_servers.Remove(vni, out var server))
            return;
        await server.Stop.CancelAsync();
        await server.Running.ContinueWith(_ => { }, TaskScheduler.Default);
        server.Stop.Dispose();
        log.LogInformation("Stopped DHCP for network {Vni}", vni);
    }

    /// <summary>Runs one dnsmasq until stopped; one that ends by itself wakes the duty (after a pause) to start it again.</summary>
    private async Task RunDnsmasqAsync(int vni, IReadOnlyList<string> args, Action wake, Server server, CancellationToken cancellationToken)
    {
        var errors = new StringBuilder();
        IReadOnlyList<string> command = options.Netns is { } ns ? ["ip", "netns", "exec", ns, "dnsmasq", .. args] : ["dnsmasq", .. args];
        var started = Stopwatch.StartNew();
        try
        {
            var running = Cli.Wrap(command[0]).WithArguments(command.Skip(1))
                .WithEnvironmentVariables(e => e
                    .Set("DNSMASQ_BRIDGE_INTERFACE", NetworkLinks.BridgeName(vni))
                    .Set(LeaseHook.ModeVariable, "1")
                    .Set("PVC_CONFIG_FILE", options.ConfigFile))
                .WithValidation(CommandResultValidation.None)
                .WithStandardErrorPipe(PipeTarget.Merge(PipeTarget.ToStringBuilder(errors), PipeTarget.ToDelegate(line => log.LogDebug("dnsmasq {Vni}: {Line}", vni, line))))
                .WithStandardOutputPipe(PipeTarget.ToDelegate(line => log.LogDebug("dnsmasq {Vni}: {Line}", vni, line)))
                .ExecuteAsync(cancellationToken);
            // 'ip netns exec' and dnsmasq in the foreground exec: the child's PID is dnsmasq's
            server.Process = ChildProcessHandle.Open(running.ProcessId);
            CommandResult result;
            try
            {
                result = await running;
            }
            finally
            {
                var handle = server.Process;
                server.Process = null;
                handle?.Dispose();
            }
            log.LogWarning("dnsmasq for network {Vni} ended ({Code}): {Errors}; starting it again", vni, result.ExitCode, errors.ToString().Trim());
            // one that fails at once (a bad value, the address gone) is not started in a tight loop
            await Task.Delay(started.Elapsed < TimeSpan.FromSeconds(10) ? RetryAfter : TimeSpan.FromMilliseconds(200), cancellationToken);
            wake();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopped
        }
    }
}
