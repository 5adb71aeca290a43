using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Vms;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// What must hold once every fault is healed and the cluster has settled: every node up, run and ready; every VM
/// settled (nothing left in migrate, restart or shutdown, nothing failed), running if the clients last asked it to
/// run and nowhere if they stopped it; ZooKeeper and libvirt agreeing (a started VM runs on exactly the node
/// ZooKeeper names, a stopped one nowhere, each node's running list is what its hypervisor runs, and the checker's
/// events say what a fresh listing says); and no lock left held (<see cref="LockAudit"/>). Each problem is one line;
/// none means agreement.
/// </summary>
internal static class FinalAgreement
{
    /// <summary>The problems now (an empty list once the cluster agrees).</summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(NemesisLab lab, IReadOnlyDictionary<Guid, VmIntent> intents, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var node in lab.Nodes.Where(n => n.IsDown))
            problems.Add($"{node.Name} is down (service {(node.Service.IsRunning ? "running" : "not running")}, power {(node.Bmc.PowerIsOn ? "on" : "off")})");
        foreach (var (member, i) in lab.Ensemble.Members.Select((m, i) => (m, i)).Where(m => m.m.Pid is null))
            problems.Add($"ZooKeeper member zk{i + 1} is down");

        var zk = lab.Connection.ZooKeeper;
        var nodes = await lab.Connection.Nodes.ListAsync(cancellationToken: cancellationToken);
        foreach (var node in nodes.Where(n => n.DaemonState != NodeDaemonState.Run || n.DomainState != NodeDomainState.Ready))
            problems.Add($"{node.Name} is {node.DaemonState}/{node.DomainState}, not Run/Ready");

        var vms = await lab.Connection.Vms.ListAsync(cancellationToken: cancellationToken);
        var events = lab.Checker.Running();
        var listed = await Task.Run(lab.Checker.List, cancellationToken);
        foreach (var (name, vm) in lab.Vms)
        {
            var z = vms.FirstOrDefault(v => v.Uuid == vm.Uuid);
            if (z is null)
            {
                problems.Add($"VM {name} is gone from ZooKeeper");
                continue;
            }
            var seen = events.GetValueOrDefault(vm.Uuid) ?? [];
            var listing = listed.Where(l => l.Value.Contains(vm.Uuid)).Select(l => l.Key).Order(StringComparer.Ordinal).ToList();
            if (!seen.Order(StringComparer.Ordinal).SequenceEqual(listing))
                problems.Add($"VM {name}: the checker's events say it runs on [{string.Join(", ", seen)}], a listing says [{string.Join(", ", listing)}]");
            var intent = intents[vm.Uuid];
            var where = $"[{string.Join(", ", seen)}]";
            switch (z.State)
            {
                case VmState.Start:
                    if (intent == VmIntent.Stopped)
                        problems.Add($"VM {name} was stopped by a client but is start in ZooKeeper (node {z.Node})");
                    if (seen.Count != 1 || seen[0] != z.Node)
                        problems.Add($"VM {name} is start on {z.Node} in ZooKeeper but runs on {where}");
                    break;
                case VmState.Stop or VmState.Disable:
                    if (intent == VmIntent.Run)
                        problems.Add($"VM {name} should run but is {z.State} in ZooKeeper (node {z.Node}, autostart {z.Autostart})");
                    if (seen.Count > 0)
                        problems.Add($"VM {name} is {z.State} in ZooKeeper but runs on {where}");
                    break;
                default:
                    problems.Add($"VM {name} is {z.State} on {z.Node} (last node {z.LastNode ?? "none"}) in ZooKeeper{(z.FailedReason is { Length: > 0 } reason ? $": {reason}" : "")}; it runs on {where}");
                    break;
            }
        }
        foreach (var node in nodes)
        {
            if (!listed.TryGetValue(node.Name, out var runs))
                continue; // down: reported above
            var reported = node.RunningVms.Where(lab.Vms.Values.Select(v => v.Uuid).Contains).ToHashSet();
            if (!reported.SetEquals(runs))
                problems.Add($"{node.Name}'s running list in ZooKeeper [{Names(lab, reported)}] is not what its hypervisor runs [{Names(lab, runs)}]");
        }
        problems.AddRange(await LockAudit.ProblemsAsync(lab, await LockAudit.LiveSessionsAsync(lab), cancellationToken));
        return problems;
    }

    private static string Names(NemesisLab lab, IEnumerable<Guid> uuids) =>
        string.Join(", ", lab.Vms.Where(v => uuids.Contains(v.Value.Uuid)).Select(v => v.Key).Order(StringComparer.Ordinal));
}
