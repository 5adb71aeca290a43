using System.Text.RegularExpressions;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Networks;

public sealed partial class NetworkOperations
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex AclDescriptionPattern();

    /// <summary>
    /// Adds a firewall rule (<c>pvc network acl add</c>) at <paramref name="order"/> within its direction (0 first; null
    /// or past the end appends), renumbering the rules after it as PVC does, all in one transaction. The rule is raw
    /// nftables text that the primary passes to nft as one <c>add rule</c> command, so a rule that could end that command
    /// or open a block (a newline, ';', '#', '{' or '}') is refused (<see cref="NetworkValidation.ValidateAclRule"/>);
    /// nftables itself judges the rest when the primary loads it.
    /// </summary>
    /// <returns>The rule as written.</returns>
    /// <exception cref="PvcException">
    /// NotFound: "NetworkNotFound"; InvalidArgument: "InvalidAclDescription", "InvalidAclRule"; AlreadyExists:
    /// "AclAlreadyExists" (descriptions are unique across both directions); WriteConflict: "NetworkChangedMeanwhile".
    /// </exception>
    public async Task<FirewallRule> AddAclAsync(string network, FirewallDirection direction, string description, string rule, int? order = null, CancellationToken cancellationToken = default)
    {
        ValidateAclDescription(description);
        try
        {
            rule = NetworkValidation.ValidateAclRule(rule);
        }
        catch (PvcException e)
        {
            throw new PvcException(e.Kind, e.ErrorId, e.Message) { Target = description };
        }
        if (order is < 0)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidAclRule, $"The order {order} is negative: 0 is the first rule.") { Target = description };
        var vni = await ResolveVniAsync(network, cancellationToken);
        var folder = NetworkKeys.Path(vni, NetworkEncoding.RulesFolder(direction));
        var read = await ReadVersionsAsync([NetworkKeys.Path(vni), NetworkKeys.Path(vni, NetworkKeys.RulesIn), NetworkKeys.Path(vni, NetworkKeys.RulesOut)], cancellationToken);
        var current = await _reader.GetAsync(vni, cancellationToken);
        if (current.FirewallRules.FirstOrDefault(r => r.Description == description) is { } taken)
            throw new PvcException(PvcErrorKind.AlreadyExists, PvcErrorIds.AclAlreadyExists,
                $"The network {vni} has a rule '{description}' already ({taken.Direction.ToString().ToLowerInvariant()}bound): descriptions name rules, so each is unique. Pick another, or remove that rule first.") { Target = description };

        var rules = current.FirewallRules.Where(r => r.Direction == direction).ToList();
        var at = order is { } o && o <= rules.Count ? o : rules.Count;
        var added = new FirewallRule { Vni = vni, Direction = direction, Description = description, Rule = rule, Order = at };
        rules.Insert(at, added);
        var path = NetworkEncoding.ChildPath(vni, NetworkEncoding.RulesFolder(direction), description);
        var writes = new List<Op>
        {
            BumpFolder(read, folder),
            Op.Create(path, Utf8("")),
            Op.Create(path + NetworkKeys.RuleOrder, Utf8(PvcNumber.Encode(at))),
            Op.Create(path + NetworkKeys.RuleText, Utf8(rule)),
        };
        writes.AddRange(Renumber(vni, direction, rules, except: description));
        await CommitAsync(vni, read, writes, cancellationToken);
        return added;
    }

    /// <summary>Removes a firewall rule by its description (<c>pvc network acl remove</c>), renumbering the rest of its direction.</summary>
    /// <returns>The rule as it was.</returns>
    /// <exception cref="PvcException">NotFound: "NetworkNotFound", "AclNotFound"; WriteConflict: "NetworkChangedMeanwhile".</exception>
    public async Task<FirewallRule> RemoveAclAsync(string network, string description, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(description);
        var vni = await ResolveVniAsync(network, cancellationToken);
        var read = await ReadVersionsAsync([NetworkKeys.Path(vni), NetworkKeys.Path(vni, NetworkKeys.RulesIn), NetworkKeys.Path(vni, NetworkKeys.RulesOut)], cancellationToken);
        var current = await _reader.GetAsync(vni, cancellationToken);
        var rule = current.FirewallRules.FirstOrDefault(r => r.Description == description)
            ?? throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.AclNotFound,
                $"The network {vni} has no firewall rule '{description}'.") { Target = description };
        var folder = NetworkEncoding.RulesFolder(rule.Direction);
        var tree = await ZnodeTree.WalkAsync(Zk, [NetworkEncoding.ChildPath(vni, folder, description)], withVersions: true, null, cancellationToken);
        var rest = current.FirewallRules.Where(r => r.Direction == rule.Direction && r.Description != description).ToList();
        var writes = new List<Op> { BumpFolder(read, NetworkKeys.Path(vni, folder)) };
        writes.AddRange(tree.OrderByDescending(e => e.Depth).Select(e => Op.Delete(e.Path, e.Version)));
        writes.AddRange(Renumber(vni, rule.Direction, rest, except: null));
        await CommitAsync(vni, read, writes, cancellationToken);
        return rule;
    }

    /// <summary>Checks a firewall rule's description (a znode name, and a name in nftables comments).</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidAclDescription".</exception>
    public static void ValidateAclDescription(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (!AclDescriptionPattern().IsMatch(description))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidAclDescription,
                $"'{description}' cannot be a firewall rule's description: give 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.") { Target = description };
    }

    /// <summary>Writes each rule's position as its order where it differs (PVC numbers a direction's rules 0, 1, 2, ...).</summary>
    private static IEnumerable<Op> Renumber(int vni, FirewallDirection direction, IReadOnlyList<FirewallRule> rules, string? except) =>
        rules.Select((r, i) => (Rule: r, Index: i))
            .Where(x => x.Rule.Description != except && x.Rule.Order != x.Index)
            .Select(x => Op.SetData(NetworkEncoding.ChildPath(vni, NetworkEncoding.RulesFolder(direction), x.Rule.Description, NetworkKeys.RuleOrder), Utf8(PvcNumber.Encode(x.Index))));
}
