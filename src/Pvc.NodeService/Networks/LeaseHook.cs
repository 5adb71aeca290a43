using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Pvc.Core.Connection;
using Pvc.Core.Networks;
using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Networks;

/// <summary>
/// pvcnoded as dnsmasq's lease script (PVC's dnsmasq-zookeeper-leases.py): dnsmasq runs it as
/// <c>pvcnoded &lt;init|add|old|del&gt; [mac ip [hostname]]</c> with the environment of the dnsmasq the primary started
/// (<see cref="ModeVariable"/>, <c>DNSMASQ_BRIDGE_INTERFACE</c>, <c>PVC_CONFIG_FILE</c>) plus dnsmasq's own
/// <c>DNSMASQ_*</c> values. "add" records the lease in ZooKeeper, "del" forgets it, "init" prints the recorded
/// leases for dnsmasq to load, "old" does nothing, as PVC's.
/// </summary>
internal static partial class LeaseHook
{
    /// <summary>The environment variable that puts pvcnoded in lease-hook mode.</summary>
    public const string ModeVariable = "PVC_DHCP_LEASE_HOOK";

    [GeneratedRegex(@"^vmbr([0-9]{1,8})$", RegexOptions.CultureInvariant)]
    private static partial Regex BridgeName();

    /// <summary>Whether this process was started as the lease hook.</summary>
    public static bool IsHook => Environment.GetEnvironmentVariable(ModeVariable) == "1";

    /// <summary>Runs one hook call; the exit status dnsmasq sees.</summary>
    public static async Task<int> RunAsync(string[] args, NodeConfig config)
    {
        if (args.Length == 0 || BridgeName().Match(Environment.GetEnvironmentVariable("DNSMASQ_BRIDGE_INTERFACE") ?? "") is not { Success: true } bridge)
        {
            await Console.Error.WriteLineAsync("pvcnoded: the lease hook needs an action and DNSMASQ_BRIDGE_INTERFACE=vmbr<vni>.");
            return 2;
        }
        var vni = int.Parse(bridge.Groups[1].Value, CultureInfo.InvariantCulture);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var cluster = await ClusterConnection.ConnectAsync(NodeConnection.Options(config, NullLogger.Instance), deadline.Token);
        var hosts = new NetworkHostOperations(cluster);
        switch (args[0])
        {
            case "init":
                // dnsmasq loads these as its lease database (it keeps none itself: --leasefile-ro)
                foreach (var lease in (await cluster.Networks.GetAsync(vni, deadline.Token)).Leases)
                    Console.WriteLine(string.Join(' ', lease.Expiry is { } at ? at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : "0",
                        lease.MacAddress, lease.IpAddress, string.IsNullOrEmpty(lease.Hostname) ? "*" : lease.Hostname, lease.ClientId ?? "*"));
                return 0;
            case "add" when args.Length >= 3 && IPAddress.TryParse(args[2], out var address):
                var expires = long.TryParse(Environment.GetEnvironmentVariable("DNSMASQ_LEASE_EXPIRES"), NumberStyles.None, CultureInfo.InvariantCulture, out var e) && e > 0
                    ? DateTimeOffset.FromUnixTimeSeconds(e) : (DateTimeOffset?)null;
                await hosts.RecordLeaseAsync(new DhcpLease
                {
                    Vni = vni,
                    MacAddress = args[1],
                    IpAddress = address,
                    Hostname = args.Length > 3 ? args[3] : null,
                    Expiry = expires,
                    ClientId = Environment.GetEnvironmentVariable("DNSMASQ_CLIENT_ID") is { Length: > 0 } id ? id : null,
                }, deadline.Token);
                return 0;
            case "del" when args.Length >= 2:
                await hosts.ForgetLeaseAsync(vni, args[1], deadline.Token);
                return 0;
            default:
                return 0; // "old", "tftp", ...: nothing to record, as PVC's
        }
    }
}
