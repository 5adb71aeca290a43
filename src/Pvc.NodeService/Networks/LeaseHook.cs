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
/// <c>DNSMASQ_*</c> values. "add" records the lease in ZooKeeper, "old" (a renewal) records it again where PVC's does
/// nothing, "del" forgets it, "init" prints the recorded leases whose fields are sound for dnsmasq to load.
/// </summary>
internal static partial class LeaseHook
{
    /// <summary>The environment variable that puts pvcnoded in lease-hook mode.</summary>
    public const string ModeVariable = "PVC_DHCP_LEASE_HOOK";

    [GeneratedRegex(@"^vmbr([0-9]{1,8})$", RegexOptions.CultureInvariant)]
    private static partial Regex BridgeName();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$", RegexOptions.CultureInvariant)]
    private static partial Regex HostnamePattern();

    [GeneratedRegex(@"^[0-9a-f]{2}(:[0-9a-f]{2}){0,63}$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ClientIdPattern();

    /// <summary>
    /// A recorded lease as a line of dnsmasq's lease database ("expiry mac ip hostname clientid"), or null when a field
    /// is not one dnsmasq could have written (the keys are open to anyone in PVC-compatible mode) or the expiry is
    /// unknown: "0" would make the lease never end and hold its address for good.
    /// </summary>
    internal static string? InitLine(DhcpLease lease)
    {
        if (lease.Expiry is not { } expiry || expiry.ToUnixTimeSeconds() <= 0 || lease.IpAddress is null)
            return null;
        string mac;
        try
        {
            mac = NetworkOperations.NormalizeMac(lease.MacAddress);
        }
        catch (Pvc.Core.Errors.PvcException)
        {
            return null;
        }
        var hostname = string.IsNullOrEmpty(lease.Hostname) || lease.Hostname == "*" ? "*" : HostnamePattern().IsMatch(lease.Hostname) ? lease.Hostname : null;
        var clientId = string.IsNullOrEmpty(lease.ClientId) || lease.ClientId == "*" ? "*" : ClientIdPattern().IsMatch(lease.ClientId) ? lease.ClientId : null;
        return hostname is null || clientId is null ? null
            : string.Join(' ', expiry.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), mac, lease.IpAddress, hostname, clientId);
    }

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
                // dnsmasq loads these as its lease database (it keeps none itself: --leasefile-ro); each field is checked,
                // as a space or newline in one would forge lease lines
                foreach (var lease in (await cluster.Networks.GetAsync(vni, deadline.Token)).Leases)
                {
                    if (InitLine(lease) is { } line)
                        Console.WriteLine(line);
                    else
                        await Console.Error.WriteLineAsync($"pvcnoded: lease {lease.MacAddress} of network {vni} is not loaded: a field is not what dnsmasq wrote, or its expiry is unknown.");
                }
                return 0;
            // "old" is a renewal under --leasefile-ro (a new expiry, hostname or client id): recorded as "add" is, so a
            // restarted dnsmasq does not load a lease still in use as expired
            case "add" or "old" when args.Length >= 3 && IPAddress.TryParse(args[2], out var address):
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
                return 0; // "tftp", ...: nothing to record, as PVC's
        }
    }
}
