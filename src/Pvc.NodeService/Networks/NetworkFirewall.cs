using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Pvc.Core.Errors;
using Pvc.Core.Networks;
using Pvc.Core.Schema;

namespace Pvc.NodeService.Networks;

/// <summary>
/// The primary's nftables for managed networks, as PVC lays them out (inventory 4.8): <c>&lt;run&gt;/nft/base.nft</c> makes
/// <c>table inet pvc</c> (PVC's <c>inet filter</c>, renamed) with its <c>forward</c> and <c>input</c> chains and includes <c>networks/*</c>; each managed
/// network's file <c>networks/&lt;vni&gt;.nft</c> has its <c>vxlan&lt;vni&gt;-in</c>/<c>-out</c> chains, the input policy for its
/// bridge (ICMP, DNS, DHCP, NTP, DHCPv6 and the metadata API reach the gateway; everything else from guests is
/// dropped) and the forward jumps on its networks. Then each user ACL goes to nft in its order, one
/// <c>add rule ... counter &lt;rule&gt;</c> per call with the rule's words as arguments, re-checked here first. Unlike PVC's
/// base file this one does not flush the whole ruleset: only Pvc's own table is replaced, in one nft transaction. The
/// table is not PVC's <c>inet filter</c> because Debian's default /etc/nftables.conf (a host's own firewall) uses that
/// name, and the cleanup every coordinator runs at session start would delete it. The administrator's own rules
/// (PVC's <c>static/*</c>) are included before the networks', as PVC does; when nft refuses the whole (a bad static
/// file), that is logged and the base is loaded again without them, so the networks' rules stay loaded. As Pvc does
/// not flush the whole ruleset, a static file that adds to a table of its own is loaded again on every firewall load:
/// it should replace its table itself (<c>add table</c>, <c>delete table</c>, <c>add table</c>, as base.nft does).
/// </summary>
internal sealed class NetworkFirewall(NftTool nft, string runDirectory, ILogger log)
{
    /// <summary>The table the rules live in: Pvc's own (see the class remarks).</summary>
    public const string Table = "pvc";

    private string? _applied;

    private string NftDirectory => Path.Combine(runDirectory, "nft");

    /// <summary>Whether the rules are loaded (as last applied by this instance).</summary>
    public bool IsLoaded => _applied is not null;

    /// <summary>
    /// Loads the rules for <paramref name="managed"/> (networks Core's rules accept) when they differ from what was last
    /// loaded. A user rule nft refuses is logged and left out; the others stay.
    /// </summary>
    /// <exception cref="NftCommandException">The base rules could not be loaded (nft missing, or it refused them).</exception>
    public async Task ApplyAsync(IReadOnlyList<Network> managed, CancellationToken cancellationToken)
    {
        var files = managed.ToDictionary(n => n.Vni, NetworkFile);
        var acls = managed.SelectMany(n => n.FirewallRules.Where(r => r.Direction is FirewallDirection.In or FirewallDirection.Out)
            .OrderBy(r => r.Direction).ThenBy(r => r.Order ?? int.MaxValue).ThenBy(r => r.Description, StringComparer.Ordinal)).ToList();
        var key = string.Join('\n', files.OrderBy(f => f.Key).Select(f => f.Value).Concat(acls.Select(r => $"{r.Vni} {r.Direction} {r.Rule}")));
        if (key == _applied)
            return;
        var networks = Path.Combine(NftDirectory, "networks");
        Directory.CreateDirectory(networks);
        foreach (var stale in Directory.GetFiles(networks, "*.nft").Where(f => !files.Keys.Select(v => $"{v.ToString(CultureInfo.InvariantCulture)}.nft").Contains(Path.GetFileName(f))))
            File.Delete(stale);
        foreach (var (vni, text) in files)
            File.WriteAllText(Path.Combine(networks, $"{vni.ToString(CultureInfo.InvariantCulture)}.nft"), text);
        var basePath = Path.Combine(NftDirectory, "base.nft");
        // the administrator's own rules (PVC's static/*), included before the networks' as PVC does; a file nft refuses
        // must not keep the networks' rules out: the base is then loaded without them
        var statics = Path.Combine(NftDirectory, "static");
        Directory.CreateDirectory(statics);
        var withStatics = Directory.EnumerateFiles(statics).Any();
        File.WriteAllText(basePath, BaseFile(networks, withStatics ? statics : null));
        _applied = null;
        try
        {
            await nft.RunAsync(["-f", basePath], cancellationToken);
        }
        catch (NftCommandException e) when (withStatics)
        {
            log.LogWarning("The static firewall rules ({Directory}) are not loaded; the networks' rules are: {Message}", statics, e.Message);
            File.WriteAllText(basePath, BaseFile(networks, null));
            await nft.RunAsync(["-f", basePath], cancellationToken);
        }
        foreach (var rule in acls)
        {
            var chain = Chain(rule.Vni, rule.Direction);
            try
            {
                // the keys are open to anyone in PVC-compatible mode: the rule is checked again before it reaches nft
                var text = NetworkValidation.ValidateAclRule(rule.Rule);
                await nft.RunAsync(["add", "rule", "inet", Table, chain, "counter", .. text.Split(' ', StringSplitOptions.RemoveEmptyEntries)], cancellationToken);
            }
            catch (Exception e) when (e is PvcException or NftCommandException)
            {
                log.LogWarning("Firewall rule '{Description}' of network {Vni} is not applied: {Message}", rule.Description, rule.Vni, e.Message);
            }
        }
        _applied = key;
        log.LogInformation("Firewall loaded: {Networks} managed networks, {Rules} rules", files.Count, acls.Count);
    }

    /// <summary>Removes PVC's table (relinquish); a table already gone is no error.</summary>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        _applied = null;
        try
        {
            await nft.RunAsync(["delete", "table", "inet", Table], cancellationToken);
        }
        catch (NftCommandException e) when (e.Message.Contains("No such file", StringComparison.Ordinal))
        {
            // not loaded
        }
    }

    /// <summary>A network's chain for one direction.</summary>
    public static string Chain(int vni, FirewallDirection direction) =>
        $"vxlan{vni.ToString(CultureInfo.InvariantCulture)}-{(direction == FirewallDirection.In ? "in" : "out")}";

    /// <summary>
    /// The base file: the table and its two hooked chains, then the administrator's own rules (PVC's <c>static/*</c>, when
    /// <paramref name="staticDirectory"/> is given), then the networks' files, in PVC's order.
    /// </summary>
    public static string BaseFile(string networksDirectory, string? staticDirectory = null) => $$"""
        # Pvc: PVC's base.nft, replacing only its own table (PVC flushes the whole ruleset)
        add table inet {{Table}}
        delete table inet {{Table}}
        add table inet {{Table}}
        add chain inet {{Table}} forward { type filter hook forward priority 0; }
        add chain inet {{Table}} input { type filter hook input priority 0; }
        {{(staticDirectory is null ? "" : $"include \"{staticDirectory}/*\"")}}
        include "{{networksDirectory}}/*.nft"

        """;

    /// <summary>A managed network's file, as PVC's VXNetworkInstance writes it (every value a parsed number or address).</summary>
    public static string NetworkFile(Network network)
    {
        var vni = network.Vni.ToString(CultureInfo.InvariantCulture);
        var bridge = NetworkLinks.BridgeName(network.Vni);
        var text = new StringBuilder();
        void Rule(string rule) => text.Append("add rule inet ").Append(Table).Append(' ').Append(rule).Append('\n');
        text.Append($"# Rules for network vxlan{vni}\n");
        text.Append($"add chain inet {Table} vxlan{vni}-in\nadd chain inet {Table} vxlan{vni}-out\n");
        Rule($"vxlan{vni}-in counter");
        Rule($"vxlan{vni}-out counter");
        // what guests may reach on the gateway: ICMP, DNS, DHCP, NTP, DHCPv6, the metadata API; nothing else
        Rule($"input ip protocol icmp meta iifname {bridge} counter accept");
        Rule($"input ip6 nexthdr icmpv6 meta iifname {bridge} counter accept");
        Rule($"input tcp dport 53 meta iifname {bridge} counter accept");
        Rule($"input udp dport 53 meta iifname {bridge} counter accept");
        Rule($"input udp dport 67 meta iifname {bridge} counter accept");
        Rule($"input udp dport 123 meta iifname {bridge} counter accept");
        Rule($"input ip6 nexthdr udp udp dport 547 meta iifname {bridge} counter accept");
        Rule($"input tcp dport 80 meta iifname {bridge} counter accept");
        Rule($"input meta iifname {bridge} counter drop");
        // PVC's order: the IPv6 jumps, then the IPv4 ones
        if (network.Ip6Gateway is not null && network.Ip6Network is { } v6)
        {
            Rule($"forward ip6 daddr {Cidr(v6)} counter jump vxlan{vni}-in");
            Rule($"forward ip6 saddr {Cidr(v6)} counter jump vxlan{vni}-out");
        }
        if (network.Ip4Gateway is not null && network.Ip4Network is { } v4)
        {
            Rule($"forward ip daddr {Cidr(v4)} counter jump vxlan{vni}-in");
            Rule($"forward ip saddr {Cidr(v4)} counter jump vxlan{vni}-out");
        }
        return text.ToString();
    }

    private static string Cidr(IPNetwork network) => $"{network.BaseAddress}/{network.PrefixLength.ToString(CultureInfo.InvariantCulture)}";
}
