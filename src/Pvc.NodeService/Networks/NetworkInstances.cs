using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Pvc.Core.Networks;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Daemon;

namespace Pvc.NodeService.Networks;

/// <summary>
/// The cluster's networks on this node (PVC's VXNetworkInstance): on every change ZooKeeper reports (a network added,
/// removed, or its type or MTU changed) the node's interfaces are brought to what the networks ask for, from what the
/// host has: missing ones are made and marked as Pvc's (<see cref="NetworkLinks.Mark"/>), marked ones adopted and
/// corrected, and marked ones no network asks for removed. A link of a network's name that Pvc did not make, and the
/// node's own devices, are never touched. So a restarted service, or one that missed changes while its session was
/// down, ends where a fresh one would. Each network it is built, or being changed, is said in <see cref="Built"/>.
/// <para>
/// The MTU is PVC's rule (<see cref="NetworkLinks.UsedMtu"/>), and as PVC's validateNetworkMTU the MTU used is written
/// back to the network's <c>mtu</c> key when the key is empty or holds more than this node's device allows, so that
/// Get-PvcNetwork and PVC's tools show the MTU in use. Every node that builds the network writes back, but only when
/// the key does not hold what it uses and only at the version it read (<see cref="NetworkHostOperations.WriteBackMtuAsync"/>):
/// nodes writing at once do not overwrite each other or an administrator's change, and a key that is right is never
/// rewritten. A write only ever fills an empty key or lowers the value, so the nodes cannot take turns: a managed
/// network's limit (cluster MTU less 50) is the same on nodes with the same cluster MTU, and a bridged network's
/// limit is each node's own <c>bridge_mtu</c>, which may differ between nodes: the key then settles at the smallest
/// limit of the nodes (the first node fills an empty key with its own, a node with a smaller one lowers it), the MTU
/// every node can carry. PVC 1.0.3 writes under the same condition (and again when the key changes), unchecked against
/// the version it read; and it looks at a key emptied later only when it restarts, where Pvc fills it on the change. A
/// write that fails (ZooKeeper unreachable, or the key kept changing) is tried again in 5 s, backing off to 5 min, not
/// only on the next change.
/// </para>
/// </summary>
internal sealed partial class NetworkInstances(NetworkHostOperations networks, NetworkSettings settings, IpTool ip, ILogger log)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
    private readonly HashSet<string> _missing = new(StringComparer.Ordinal);

    /// <summary>Set by the last pass when an MTU could not be written back: the next pass comes after <see cref="_mtuRetry"/>, change or not.</summary>
    private bool _mtuUnwritten;

    /// <summary>How long until the next try of an unwritten MTU: 5 s, doubled on each failure up to 5 min (a key this node may never write does not cost a pass every 5 s), 5 s again once written.</summary>
    private TimeSpan _mtuRetry = RetryAfter;

    /// <summary>
    /// The command line an optional tool (<c>ethtool</c>, <c>sysctl</c>) is started with; by default the program itself
    /// (in <see cref="IpTool.Netns"/> through <c>ip netns exec</c> when set). A test's seam: a program that is not
    /// installed, started directly as on a node, with the <c>ip</c> commands in the test's namespace.
    /// </summary>
    internal Func<HostCommand, IReadOnlyList<string>>? CommandLine { get; init; }

    /// <summary>Where this node's built networks are said, for the primary's network services to wait on (one per session, shared with <see cref="PrimaryDhcp"/>).</summary>
    public BuiltNetworks Built { get; init; } = new();

    [GeneratedRegex(@"^(vmbr|vxlan|vlan)([0-9]{1,8})$", RegexOptions.CultureInvariant)]
    private static partial Regex PvcLinkName();

    /// <summary>Keeps the interfaces in step with the networks until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var changed = new Signal();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(await networks.ListAsync(changed.Set, cancellationToken), cancellationToken);
                if (_mtuUnwritten)
                {
                    await changed.WaitAsync(_mtuRetry, cancellationToken);
                    _mtuRetry = TimeSpan.FromTicks(Math.Min(_mtuRetry.Ticks * 2, TimeSpan.FromMinutes(5).Ticks));
                }
                else
                {
                    _mtuRetry = RetryAfter;
                    await changed.WaitAsync(cancellationToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // a command that failed (a device missing, a kernel without VLANs) is tried again on the next change or soon
                log.LogWarning("Building the networks failed: {Message}", e.Message);
                await changed.WaitAsync(RetryAfter, cancellationToken);
            }
        }
    }

    /// <summary>Brings the host's interfaces to what <paramref name="wanted"/> asks for; returns the networks built.</summary>
    public async Task<IReadOnlyList<NetworkLinks>> ReconcileAsync(IReadOnlyList<Network> wanted, CancellationToken cancellationToken)
    {
        var links = (await ip.ListLinksAsync(cancellationToken)).ToDictionary(l => l.Name, StringComparer.Ordinal);
        var built = new List<NetworkLinks>();
        _mtuUnwritten = false;
        foreach (var network in wanted)
        {
            if (NetworkLinks.For(network, settings, out var reason) is not { } plan)
            {
                log.LogWarning("Network {Vni} ({Description}) is not built on this node: {Reason}", network.Vni, network.Description, reason);
                continue;
            }
            if (!await WriteBackMtuAsync(network, plan, cancellationToken))
                _mtuUnwritten = true;
            try
            {
                await BuildAsync(plan, links, cancellationToken);
                built.Add(plan);
            }
            catch (Exception e) when (e is IpCommandException or ForeignLinkException)
            {
                // one network that cannot be built must not keep the others from being built
                Built.Set(network.Vni, false);
                log.LogWarning("Network {Vni} ({Description}) could not be built: {Message}", network.Vni, network.Description, e.Message);
            }
        }
        Built.KeepOnly(built.Select(p => p.Vni).ToHashSet());
        var keep = built.SelectMany(p => new[] { p.Bridge, p.Member }).ToHashSet(StringComparer.Ordinal);
        var wantedVnis = wanted.Select(n => n.Vni).ToHashSet();
        var own = OwnDevices(links);
        // ports before bridges, so a bridge goes with nothing still attached; only links Pvc made (marked) and never the
        // node's own devices: a host's vmbr0 or vlan1001 only looks like PVC's
        foreach (var link in links.Values.Where(l => PvcLinkName().IsMatch(l.Name) && !keep.Contains(l.Name) && !own.Contains(l.Name)).OrderBy(l => l.Kind == "bridge"))
        {
            var vni = int.Parse(PvcLinkName().Match(link.Name).Groups[2].Value, CultureInfo.InvariantCulture);
            // a network that failed to build keeps what it had; only networks no longer asked for go
            if (wantedVnis.Contains(vni) || link.Alias != NetworkLinks.MarkOf(vni))
                continue;
            await ip.RunAsync(["link", "delete", link.Name], cancellationToken);
            log.LogInformation("Removed {Link}: no network asks for it", link.Name);
        }
        return built;
    }

    /// <summary>
    /// Writes the MTU <paramref name="plan"/> uses back to the network's key when the key does not hold it (empty, or more
    /// than this node's device allows), as PVC's validateNetworkMTU. A failed write is logged and the network built all the
    /// same; false tells the caller to try again soon.
    /// </summary>
    private async Task<bool> WriteBackMtuAsync(Network network, NetworkLinks plan, CancellationToken cancellationToken)
    {
        if (network.Mtu == plan.Mtu)
            return true;
        try
        {
            if (await networks.WriteBackMtuAsync(network.Vni, stored => NetworkLinks.UsedMtu(stored, plan.MaxMtu), cancellationToken) is not { } written)
                return true;
            if (network.Mtu is { } stored)
                log.LogWarning("Network {Vni}: MTU {Mtu} is larger than this node's maximum MTU {Max}; set to {Written} in ZooKeeper", network.Vni, stored, plan.MaxMtu, written);
            else
                log.LogWarning("Network {Vni}: MTU not specified; set to {Written} in ZooKeeper (this node's maximum MTU {Max})", network.Vni, written, plan.MaxMtu);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("Network {Vni}: the MTU {Mtu} it is built with could not be written to ZooKeeper ({Message}); trying again in {Seconds} s", network.Vni, plan.Mtu, e.Message, _mtuRetry.TotalSeconds);
            return false;
        }
    }

    /// <summary>
    /// Runs one of a network's commands: <c>ip</c> through <see cref="IpTool"/> (a failure fails the build), the others
    /// (PVC's <c>ethtool</c> and <c>sysctl</c> tuning) in the node's namespace, a failure or a missing program logged and
    /// the network built all the same, as PVC's unchecked run_os_command does.
    /// </summary>
    private async Task RunAsync(HostCommand command, CancellationToken cancellationToken)
    {
        if (command.Program == "ip")
        {
            await ip.RunAsync(command.Args, cancellationToken);
            return;
        }
        if (_missing.Contains(command.Program))
            return;
        var argv = CommandLine?.Invoke(command)
            ?? (ip.Netns is { } ns ? ["ip", "netns", "exec", ns, command.Program, .. command.Args] : [command.Program, .. command.Args]);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(20));
            var error = new System.Text.StringBuilder();
            var result = await CliWrap.Cli.Wrap(argv[0]).WithArguments(argv.Skip(1)).WithValidation(CliWrap.CommandResultValidation.None)
                .WithStandardErrorPipe(CliWrap.PipeTarget.ToStringBuilder(error)).ExecuteAsync(deadline.Token);
            if (result.ExitCode != 0)
                log.LogWarning("{Command} failed ({Code}): {Error}", command, result.ExitCode, error.ToString().Trim());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            _missing.Add(command.Program);
            log.LogWarning("{Program} is not installed: the networks are built without PVC's {Command}", command.Program, command);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("{Command} did not end within 20 s", command);
        }
    }

    /// <summary>The node's own devices (pvc.conf's cluster and bridge devices) and the bridges they are ports of: never touched.</summary>
    private HashSet<string> OwnDevices(Dictionary<string, LinkInfo> links)
    {
        var own = new HashSet<string>(StringComparer.Ordinal);
        foreach (var device in new[] { settings.ClusterDevice, settings.BridgeDevice }.OfType<string>())
        {
            own.Add(device);
            if (links.TryGetValue(device, out var link) && link.Master is { } master)
                own.Add(master);
        }
        foreach (var floating in settings.FloatingAddresses)
            own.Add(floating.Device);
        return own;
    }

    private async Task BuildAsync(NetworkLinks plan, Dictionary<string, LinkInfo> links, CancellationToken cancellationToken)
    {
        var own = OwnDevices(links);
        foreach (var name in new[] { plan.Bridge, plan.Member })
        {
            if (own.Contains(name))
                throw new ForeignLinkException($"{name} is one of this node's own devices (pvc.conf's cluster or bridge device, or their bridge): it is not made into network {plan.Vni}'s. Give the network another VNI.");
            if (links.TryGetValue(name, out var existing) && existing.Alias != plan.Mark)
                throw new ForeignLinkException($"{name} exists and Pvc did not make it (its alias is not '{plan.Mark}'): it is left alone. Rename or remove it, or give the network another VNI.");
        }
        links.TryGetValue(plan.Bridge, out var bridge);
        links.TryGetValue(plan.Member, out var member);
        if (bridge is { Kind: "bridge" } && member is not null && member.Kind == plan.MemberKind && member.Id == plan.Vni && member.Lower == plan.Lower
            && member.Mtu == plan.Mtu && bridge.Mtu == plan.Mtu && member.Master == plan.Bridge && member.Up && bridge.Up)
        {
            Built.Set(plan.Vni, true);
            return;
        }
        // not built from the first change until the last: the primary adds no gateway on a bridge without its port
        Built.Set(plan.Vni, false);
        // an interface of ours of the wrong kind, or a port of another id or over another device, is replaced
        if (bridge is not null && bridge.Kind != "bridge")
        {
            await ip.RunAsync(["link", "delete", plan.Bridge], cancellationToken);
            bridge = null;
        }
        if (member is not null && (member.Kind != plan.MemberKind || member.Id != plan.Vni || member.Lower != plan.Lower))
        {
            await ip.RunAsync(["link", "delete", plan.Member], cancellationToken);
            member = null;
        }
        // each marked as soon as it exists: an unmarked one would be foreign to the next run. The port first, as PVC
        // (a VLAN the kernel cannot make leaves no bridge behind)
        if (member is null)
        {
            await ip.RunAsync(plan.CreateMember(), cancellationToken);
            await ip.RunAsync(plan.MarkLink(plan.Member), cancellationToken);
        }
        if (bridge is null)
        {
            await ip.RunAsync(plan.CreateBridge(), cancellationToken);
            await ip.RunAsync(plan.MarkLink(plan.Bridge), cancellationToken);
        }
        var adopted = bridge is not null && member is not null;
        foreach (var command in plan.Configure())
            await RunAsync(command, cancellationToken);
        log.LogInformation("{What} network {Vni}: {Member} on {Bridge}, MTU {Mtu}", adopted ? "Corrected" : "Built", plan.Vni, plan.Member, plan.Bridge, plan.Mtu);
        Built.Set(plan.Vni, true);
    }
}
