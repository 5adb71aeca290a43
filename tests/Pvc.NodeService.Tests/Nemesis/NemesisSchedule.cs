using System.Globalization;
using System.Text;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// What one run does, all of it drawn from one seed: the fencing profile, the faults (when, what, on what, how long)
/// and the clients' operations. The same seed gives the same schedule, so a failing seed replays
/// (<c>PVC_NEMESIS_SEED</c>); the timing of what the cluster does in between is the machine's.
/// </summary>
internal sealed class NemesisSchedule
{
    /// <summary>How many faults may be under way at once.</summary>
    public const int MaxConcurrentFaults = 2;

    /// <summary>The longest a receiver kill waits for its migration to reach the chosen moment.</summary>
    public static readonly TimeSpan ReceiverWait = TimeSpan.FromSeconds(15);

    private static readonly (FaultKind Kind, int Weight, double MinSeconds, double MaxSeconds)[] Faults =
    [
        (FaultKind.Crash, 12, 4, 20),
        (FaultKind.ServiceKill, 10, 1, 12),
        (FaultKind.Freeze, 12, 1, 10),
        (FaultKind.ZooKeeperCut, 12, 2, 15),
        (FaultKind.ZooKeeperMemberLoss, 10, 3, 15),
        (FaultKind.ZooKeeperLoss, 6, 3, 15),
        (FaultKind.LibvirtdRestart, 10, 0.5, 4),
        (FaultKind.BmcSilent, 12, 4, 25),
        (FaultKind.ReceiverKill, 10, 1, 10),
    ];

    private static readonly (ClientOpKind Kind, int Weight)[] Ops =
    [
        (ClientOpKind.Migrate, 25),
        (ClientOpKind.Move, 10),
        (ClientOpKind.Unmigrate, 8),
        (ClientOpKind.Start, 12),
        (ClientOpKind.Stop, 10),
        (ClientOpKind.Flush, 10),
        (ClientOpKind.Ready, 15),
    ];

    private NemesisSchedule(int seed, NemesisProfile profile, TimeSpan length, IReadOnlyList<ScheduledFault> faults, IReadOnlyList<ScheduledOp> ops)
    {
        Seed = seed;
        Profile = profile;
        Length = length;
        FaultList = faults;
        OpList = ops;
    }

    /// <summary>The seed.</summary>
    public int Seed { get; }

    /// <summary>The fencing settings.</summary>
    public NemesisProfile Profile { get; }

    /// <summary>How long faults are applied; everything is healed then.</summary>
    public TimeSpan Length { get; }

    /// <summary>The faults, by start.</summary>
    public IReadOnlyList<ScheduledFault> FaultList { get; }

    /// <summary>The client operations, by time.</summary>
    public IReadOnlyList<ScheduledOp> OpList { get; }

    /// <summary>The pvc.conf lines under <c>fencing:</c> for <see cref="Profile"/>.</summary>
    public string FencingYaml => FencingYamlOf(Profile);

    /// <summary>The pvc.conf lines under <c>fencing:</c> for a profile.</summary>
    public static string FencingYamlOf(NemesisProfile profile) => profile == NemesisProfile.SelfFence
        ? """
              intervals:
                fence_intervals: 3
                saving_throws: 2
                suicide_intervals: 3
              actions:
                failed_fence: migrate
            """
        : """
              intervals:
                fence_intervals: 3
                saving_throws: 2
            """;

    /// <summary>Draws the schedule of <paramref name="seed"/> for the given nodes (hv1...), ZooKeeper members and VMs.</summary>
    public static NemesisSchedule Generate(int seed, TimeSpan length, IReadOnlyList<string> nodes, int zookeeperMembers, IReadOnlyList<string> vms)
    {
        var random = new Random(Mix(seed));
        var profile = random.NextDouble() < 0.5 ? NemesisProfile.Bmc : NemesisProfile.SelfFence;
        double Between(double min, double max) => min + random.NextDouble() * (max - min);
        T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
        T Weighted<T>(IReadOnlyList<(T Item, int Weight)> items)
        {
            var at = random.Next(items.Sum(i => i.Weight));
            foreach (var (item, weight) in items)
            {
                if (at < weight)
                    return item;
                at -= weight;
            }
            throw new InvalidOperationException("unreachable");
        }

        var faults = new List<ScheduledFault>();
        for (var t = Between(2, 6); t < length.TotalSeconds - 2; t += Between(3, 9))
        {
            // a few draws for a fault that fits beside those under way; none fits: this slot stays empty
            for (var attempt = 0; attempt < 10; attempt++)
            {
                var (kind, _, min, max) = Faults[Weighted([.. Faults.Select((f, i) => (i, f.Weight))])];
                var target = kind switch
                {
                    FaultKind.ZooKeeperMemberLoss => $"zk{random.Next(zookeeperMembers) + 1}",
                    FaultKind.ZooKeeperLoss => "zookeeper",
                    _ => Pick(nodes),
                };
                var fault = new ScheduledFault(TimeSpan.FromSeconds(Math.Round(t, 1)), kind, target, TimeSpan.FromSeconds(Math.Round(Between(min, max), 1)),
                    kind == FaultKind.ReceiverKill ? random.Next(2) : 0);
                if (Fits(fault, faults, profile))
                {
                    faults.Add(fault);
                    break;
                }
            }
        }

        var ops = new List<ScheduledOp>();
        for (var t = Between(1, 3); t < length.TotalSeconds; t += Between(1.5, 4))
        {
            var kind = Weighted(Ops);
            var at = TimeSpan.FromSeconds(Math.Round(t, 1));
            ops.Add(kind switch
            {
                ClientOpKind.Flush or ClientOpKind.Ready => new ScheduledOp(at, kind, null, Pick(nodes)),
                ClientOpKind.Migrate or ClientOpKind.Move => new ScheduledOp(at, kind, Pick(vms), Pick(nodes)),
                _ => new ScheduledOp(at, kind, Pick(vms), null),
            });
        }
        return new NemesisSchedule(seed, profile, length, faults, ops);
    }

    /// <summary>
    /// SplitMix64's finaliser: seeded <see cref="Random"/> draws alike first numbers for neighbouring seeds (the
    /// profile, the first fault), and the bench and CI use neighbouring seeds.
    /// </summary>
    private static int Mix(int seed)
    {
        var z = (ulong)seed + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    /// <summary>The span during which a fault acts (a receiver kill first waits for its migration).</summary>
    private static (TimeSpan From, TimeSpan To) Window(ScheduledFault f) =>
        (f.At, f.Ends + (f.Kind == FaultKind.ReceiverKill ? ReceiverWait : TimeSpan.Zero));

    /// <summary>
    /// Whether a fault may join those drawn so far: at most <see cref="MaxConcurrentFaults"/> at once, never two of a
    /// kind on one target, ZooKeeper lost as a whole beside no other ZooKeeper fault, and, with self-fencing, never a
    /// silent BMC beside a hung or dead node service on that node with its hypervisor running on: self-fencing cannot
    /// cover that (README, Reliability), so it is outside the fault model, not a finding.
    /// </summary>
    private static bool Fits(ScheduledFault fault, List<ScheduledFault> drawn, NemesisProfile profile)
    {
        var (from, to) = Window(fault);
        var overlapping = drawn.Where(d => Window(d).From < to && from < Window(d).To).ToList();
        if (overlapping.Count >= MaxConcurrentFaults)
            return false;
        if (overlapping.Any(d => d.Kind == fault.Kind && d.Target == fault.Target))
            return false;
        static bool IsZooKeeper(FaultKind k) => k is FaultKind.ZooKeeperLoss or FaultKind.ZooKeeperMemberLoss;
        if (IsZooKeeper(fault.Kind) && overlapping.Any(d => IsZooKeeper(d.Kind)) && (fault.Kind == FaultKind.ZooKeeperLoss || overlapping.Any(d => d.Kind == FaultKind.ZooKeeperLoss)))
            return false;
        if (profile == NemesisProfile.SelfFence)
        {
            static bool LeavesVmsUnguarded(FaultKind k) => k is FaultKind.Freeze or FaultKind.ServiceKill or FaultKind.ReceiverKill;
            if (fault.Kind == FaultKind.BmcSilent && overlapping.Any(d => d.Target == fault.Target && LeavesVmsUnguarded(d.Kind)))
                return false;
            if (LeavesVmsUnguarded(fault.Kind) && overlapping.Any(d => d.Target == fault.Target && d.Kind == FaultKind.BmcSilent))
                return false;
        }
        return true;
    }

    /// <summary>The schedule as printed at the start of a run.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"nemesis seed {Seed} (replay: PVC_NEMESIS_SEED={Seed}), profile {Profile}, faults for {Length.TotalSeconds:0} s: {FaultList.Count} faults, {OpList.Count} client operations\n");
        foreach (var line in FaultList.Select(f => (f.At, Text: $"  {f}")).Concat(OpList.Select(o => (o.At, Text: $"  {o}"))).OrderBy(l => l.At))
            text.Append(line.Text).Append('\n');
        return text.ToString();
    }
}
