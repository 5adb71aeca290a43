using System.Text;
using CliWrap;
using Microsoft.Extensions.Logging;
using Pvc.Core.Errors;
using Pvc.Core.Networks;
using Pvc.Core.Schema;
using Pvc.NodeService.Daemon;

namespace Pvc.NodeService.Networks;

/// <summary>
/// The primary coordinator's DHCP for managed networks (PVC's phase F gateways and dnsmasq): per managed network with
/// DHCPv4, the gateway address on <c>vmbr&lt;vni&gt;</c>, its reservations as hosts files, and a dnsmasq whose lease
/// hook is this node service's own binary (<see cref="LeaseHook"/>). It follows the networks' watches, restarting a
/// network's dnsmasq when what it was started with changes, and on relinquish (cancellation) stops every dnsmasq and
/// then removes the gateways, as PVC's become_secondary does.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class PrimaryDhcp(NetworkHostOperations networks, IpTool ip, PrimaryDhcpOptions options, ILogger log) : IPrimaryDuty
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly Dictionary<int, Server> _servers = [];

    /// <inheritdoc />
    public string Name => "DHCP";

    private sealed record Server(string Key, IReadOnlyList<string> Arguments, string Gateway, CancellationTokenSource Stop, Task Running);

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var changed = new Signal();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await ReconcileAsync(await networks.ListAsync(changed.Set, cancellationToken), cancellationToken);
                    await changed.WaitAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    log.LogWarning("Serving DHCP failed: {Message}", e.Message);
                    await changed.WaitAsync(RetryAfter, cancellationToken);
                }
            }
        }
        finally
        {
            // relinquish: the DHCP servers stop first, then their gateways go
            foreach (var vni in _servers.Keys.ToList())
                await StopAsync(vni, CancellationToken.None);
        }
    }

    private async Task ReconcileAsync(IReadOnlyList<Network> list, CancellationToken cancellationToken)
    {
        var wanted = new Dictionary<int, Network>();
        foreach (var network in list.Where(n => n.Type == NetworkType.Managed && n.Ip4Dhcp))
        {
            try
            {
                // the values reach dnsmasq's command line and files: a network Core's rules refuse is not served
                NetworkValidation.Validate(network);
                wanted[network.Vni] = network;
            }
            catch (PvcException e)
            {
                log.LogWarning("Network {Vni} gets no DHCP: {Message}", network.Vni, e.Message);
            }
        }
        foreach (var vni in _servers.Keys.Where(v => !wanted.ContainsKey(v)).ToList())
            await StopAsync(vni, cancellationToken);
        foreach (var network in wanted.Values)
        {
            var hosts = Path.Combine(options.RunDirectory, "dnsmasq", IpTool.Arg(network.Vni));
            var removed = WriteReservations(hosts, network.Reservations);
            var args = DnsmasqArguments.For(network, hosts, options.LeaseHook, Path.Combine(options.RunDirectory, $"dnsmasq-{IpTool.Arg(network.Vni)}.pid"))!;
            var gateway = $"{network.Ip4Gateway}/{network.Ip4Network!.Value.PrefixLength}";
            var key = string.Join('\n', args.Append(gateway));
            if (_servers.TryGetValue(network.Vni, out var server) && server.Key == key && !server.Running.IsCompleted && !removed)
                continue;
            if (server is not null)
                await StopAsync(network.Vni, cancellationToken);
            await AddGatewayAsync(network.Vni, gateway, cancellationToken);
            var stop = new CancellationTokenSource();
            _servers[network.Vni] = new Server(key, args, gateway, stop, RunDnsmasqAsync(network.Vni, args, stop.Token));
            log.LogInformation("DHCP for network {Vni} on {Gateway}: {Start} to {End}", network.Vni, gateway, network.Ip4DhcpStart, network.Ip4DhcpEnd);
        }
    }

    /// <summary>Writes one hosts file per reservation ("mac,ip", named by the MAC) and deletes the others; true when one went.</summary>
    private static bool WriteReservations(string directory, IReadOnlyList<DhcpReservation> reservations)
    {
        // dnsmasq reads it after dropping root to its own user
        const UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(directory, readable);
        var wanted = reservations.Where(r => r.IpAddress is not null).ToDictionary(r => r.MacAddress, DnsmasqArguments.HostsLine, StringComparer.Ordinal);
        var removed = false;
        foreach (var file in Directory.GetFiles(directory).Where(f => !wanted.ContainsKey(Path.GetFileName(f))))
        {
            File.Delete(file);
            removed = true; // dnsmasq reads added files itself but must be told of removed ones
        }
        foreach (var (mac, line) in wanted)
        {
            var path = Path.Combine(directory, mac);
            if (!File.Exists(path) || File.ReadAllText(path) != line)
                File.WriteAllText(path, line);
        }
        return removed;
    }

    private async Task AddGatewayAsync(int vni, string gateway, CancellationToken cancellationToken)
    {
        var bridge = NetworkLinks.BridgeName(vni);
        try
        {
            await ip.RunAsync(["address", "add", gateway, "dev", bridge], cancellationToken);
        }
        catch (IpCommandException e) when (e.Message.Contains("File exists", StringComparison.Ordinal))
        {
            // adopted: the address is there from before a restart
        }
    }

    private async Task StopAsync(int vni, CancellationToken cancellationToken)
    {
        if (!_servers.Remove(vni, out var server))
            return;
        await server.Stop.CancelAsync();
        await server.Running.ContinueWith(_ => { }, TaskScheduler.Default);
        server.Stop.Dispose();
        try
        {
            await ip.RunAsync(["address", "del", server.Gateway, "dev", NetworkLinks.BridgeName(vni)], cancellationToken);
        }
        catch (IpCommandException e)
        {
            log.LogWarning("The gateway {Gateway} of network {Vni} could not be removed: {Message}", server.Gateway, vni, e.Message);
        }
        log.LogInformation("Stopped DHCP for network {Vni}", vni);
    }

    private async Task RunDnsmasqAsync(int vni, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var errors = new StringBuilder();
        IReadOnlyList<string> command = options.Netns is { } ns ? ["ip", "netns", "exec", ns, "dnsmasq", .. args] : ["dnsmasq", .. args];
        try
        {
            var result = await Cli.Wrap(command[0]).WithArguments(command.Skip(1))
                .WithEnvironmentVariables(e => e
                    .Set("DNSMASQ_BRIDGE_INTERFACE", NetworkLinks.BridgeName(vni))
                    .Set(LeaseHook.ModeVariable, "1")
                    .Set("PVC_CONFIG_FILE", options.ConfigFile))
                .WithValidation(CommandResultValidation.None)
                .WithStandardErrorPipe(PipeTarget.Merge(PipeTarget.ToStringBuilder(errors), PipeTarget.ToDelegate(line => log.LogDebug("dnsmasq {Vni}: {Line}", vni, line))))
                .WithStandardOutputPipe(PipeTarget.ToDelegate(line => log.LogDebug("dnsmasq {Vni}: {Line}", vni, line)))
                .ExecuteAsync(cancellationToken);
            log.LogWarning("dnsmasq for network {Vni} ended ({Code}): {Errors}", vni, result.ExitCode, errors.ToString().Trim());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopped
        }
    }
}
