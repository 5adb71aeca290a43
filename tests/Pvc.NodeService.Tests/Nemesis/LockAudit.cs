using System.Text;
using System.Text.RegularExpressions;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// Locks left behind, once the cluster is quiet: kazoo-compatible lock contenders (<see cref="LockNodes"/>) are
/// ephemeral znodes, so one whose session is gone is a lock nobody can release. A VM's locks (on its state, node and
/// migrate_sync_lock keys) are taken only for a migration, so none may stand then, and migrate_sync_lock must be
/// empty; the coordinators' long-held locks (fence monitor, primary election) may stand, each contender owned by a
/// session connected now, one per node, from a node whose service runs.
/// </summary>
internal static partial class LockAudit
{
    /// <summary>The sessions connected to any member now (ZooKeeper's <c>cons</c>).</summary>
    public static async Task<HashSet<long>> LiveSessionsAsync(NemesisLab lab)
    {
        var sessions = new HashSet<long>();
        foreach (var member in lab.Ensemble.Members.Where(m => m.Pid is not null))
        {
            var cons = await member.TryFourLetterWordAsync("cons") ?? "";
            foreach (Match m in SessionId().Matches(cons))
                sessions.Add(Convert.ToInt64(m.Groups[1].Value, 16));
        }
        return sessions;
    }

    [GeneratedRegex(@"sid=0x([0-9a-f]+)", RegexOptions.CultureInvariant)]
    private static partial Regex SessionId();

    /// <summary>The known lock places: each VM's three keys and the coordinators' two locks.</summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(NemesisLab lab, HashSet<long> live, CancellationToken cancellationToken)
    {
        var zk = lab.Connection.ZooKeeper;
        var problems = new List<string>();
        foreach (var vm in lab.Vms.Values)
        {
            foreach (var key in new[] { DomainKeys.State, DomainKeys.Node, DomainKeys.MigrateSyncLock })
            {
                var path = DomainKeys.Path(vm.Uuid, key);
                var held = (await ChildrenAsync(zk, path, cancellationToken)).Where(LockNodes.IsLockNode).ToList();
                if (held.Count > 0)
                    problems.Add($"VM {vm.Name}: {held.Count} lock contender(s) left on {key}: {await DescribeAsync(zk, path, held, live, cancellationToken)}");
            }
            var sync = Encoding.UTF8.GetString((await zk.GetDataAsync(DomainKeys.Path(vm.Uuid, DomainKeys.MigrateSyncLock), cancellationToken: cancellationToken)).Data);
            if (sync.Length > 0)
                problems.Add($"VM {vm.Name}: migrate_sync_lock still says '{sync}'");
        }
        var running = lab.Nodes.Where(n => n.Service.IsRunning).Select(n => n.Name).ToHashSet();
        foreach (var path in new[] { BaseKeys.FenceLock, BaseKeys.PrimaryNode })
        {
            var contenders = (await ChildrenAsync(zk, path, cancellationToken)).Where(LockNodes.IsLockNode).ToList();
            var holders = new List<string>();
            foreach (var contender in contenders)
            {
                var (owner, identifier) = await OwnerAsync(zk, $"{path}/{contender}", cancellationToken);
                if (owner is null)
                    continue; // released while listed
                if (!live.Contains(owner.Value))
                    problems.Add($"{path}: contender {contender} ({identifier}) belongs to session 0x{owner:x}, which is not connected (a lock held by a dead session)");
                else if (!running.Contains(identifier))
                    problems.Add($"{path}: contender {contender} names '{identifier}', whose node service does not run");
                holders.Add(identifier);
            }
            foreach (var twice in holders.GroupBy(h => h).Where(g => g.Count() > 1))
                problems.Add($"{path}: {twice.Count()} contenders of {twice.Key} (one is left over)");
        }
        return problems;
    }

    /// <summary>
    /// Every lock contender anywhere in the cluster's tree (a walk of it all, for the final check): not one may
    /// belong to a session that is not connected, or be persistent.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SweepAsync(NemesisLab lab, HashSet<long> live, CancellationToken cancellationToken)
    {
        var zk = lab.Connection.ZooKeeper;
        var problems = new List<string>();
        var pending = new Stack<string>(["/"]);
        var walked = 0;
        while (pending.Count > 0)
        {
            var path = pending.Pop();
            IReadOnlyList<string> children;
            try
            {
                children = (await zk.GetChildrenAsync(path, cancellationToken: cancellationToken)).Children;
            }
            catch (NoNodeException)
            {
                continue;
            }
            walked++;
            foreach (var child in children)
            {
                var full = path == "/" ? $"/{child}" : $"{path}/{child}";
                if (!LockNodes.IsLockNode(child))
                {
                    pending.Push(full);
                    continue;
                }
                var (owner, identifier) = await OwnerAsync(zk, full, cancellationToken);
                if (owner == 0)
                    problems.Add($"{full} ({identifier}) is a persistent lock node: nothing will ever remove it");
                else if (owner is { } session && !live.Contains(session))
                    problems.Add($"{full} ({identifier}) belongs to session 0x{session:x}, which is not connected");
            }
        }
        return walked == 0 ? ["the lock sweep read nothing"] : problems;
    }

    private static async Task<IReadOnlyList<string>> ChildrenAsync(ZooKeeperClient zk, string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await zk.GetChildrenAsync(path, cancellationToken: cancellationToken)).Children;
        }
        catch (NoNodeException)
        {
            return []; // a lock's parent is made by its first contender
        }
    }

    private static async Task<(long? Owner, string Identifier)> OwnerAsync(ZooKeeperClient zk, string path, CancellationToken cancellationToken)
    {
        try
        {
            var data = await zk.GetDataAsync(path, cancellationToken: cancellationToken);
            return (data.Stat.EphemeralOwner, Encoding.UTF8.GetString(data.Data));
        }
        catch (NoNodeException)
        {
            return (null, "");
        }
    }

    private static async Task<string> DescribeAsync(ZooKeeperClient zk, string path, IEnumerable<string> contenders, HashSet<long> live, CancellationToken cancellationToken)
    {
        var parts = new List<string>();
        foreach (var contender in contenders)
        {
            var (owner, identifier) = await OwnerAsync(zk, $"{path}/{contender}", cancellationToken);
            parts.Add(owner is { } o ? $"{identifier} (session 0x{o:x}, {(live.Contains(o) ? "connected" : "not connected")})" : $"{contender} (gone)");
        }
        return string.Join(", ", parts);
    }
}
