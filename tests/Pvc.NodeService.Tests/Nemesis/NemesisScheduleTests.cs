namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>The schedules a seed draws: the same for the same seed (so a failing seed replays), and within the fault model.</summary>
public sealed class NemesisScheduleTests
{
    private static readonly TimeSpan Length = TimeSpan.FromSeconds(60);

    private static NemesisSchedule Draw(int seed) => NemesisSchedule.Generate(seed, Length, NemesisLab.NodeNames, 3, NemesisLab.VmNames);

    [Fact]
    public void A_seed_draws_the_same_schedule_every_time_and_another_seed_another()
    {
        Assert.Equal(Draw(1301).Describe(), Draw(1301).Describe());
        Assert.NotEqual(Draw(1301).Describe(), Draw(1302).Describe());
        Assert.StartsWith("nemesis seed 1301 (replay: PVC_NEMESIS_SEED=1301)", Draw(1301).Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Schedules_stay_within_the_fault_model_and_use_every_fault_and_both_profiles()
    {
        var schedules = Enumerable.Range(0, 300).Select(Draw).ToList();
        foreach (var schedule in schedules)
        {
            foreach (var fault in schedule.FaultList)
            {
                // under way when it begins (every fault under way at some moment was when the last of them began)
                var under = schedule.FaultList.Count(f => f.At <= fault.At && fault.At < Window(f).To);
                Assert.True(under <= NemesisSchedule.MaxConcurrentFaults, $"seed {schedule.Seed}: {under} faults under way at {fault}");
                var overlapping = schedule.FaultList.Where(f => f != fault && Overlap(f, fault)).ToList();
                Assert.DoesNotContain(overlapping, f => f.Kind == fault.Kind && f.Target == fault.Target);
                if (schedule.Profile == NemesisProfile.SelfFence && fault.Kind == FaultKind.BmcSilent)
                    Assert.DoesNotContain(overlapping, f => f.Target == fault.Target && f.Kind is FaultKind.Freeze or FaultKind.ServiceKill or FaultKind.ReceiverKill);
                Assert.InRange(fault.At, TimeSpan.Zero, Length);
            }
            Assert.NotEmpty(schedule.OpList);
        }
        Assert.Equal(Enum.GetValues<FaultKind>().Order(), schedules.SelectMany(s => s.FaultList).Select(f => f.Kind).Distinct().Order());
        Assert.Equal(Enum.GetValues<ClientOpKind>().Order(), schedules.SelectMany(s => s.OpList).Select(o => o.Kind).Distinct().Order());
        Assert.Equal([NemesisProfile.Bmc, NemesisProfile.SelfFence], schedules.Select(s => s.Profile).Distinct().Order());
    }

    /// <summary>The span a fault acts in, as the generator counts it (a receiver kill first waits for its migration).</summary>
    private static (TimeSpan From, TimeSpan To) Window(ScheduledFault f) =>
        (f.At, f.Ends + (f.Kind == FaultKind.ReceiverKill ? NemesisSchedule.ReceiverWait : TimeSpan.Zero));

    private static bool Overlap(ScheduledFault a, ScheduledFault b) => Window(a).From < Window(b).To && Window(b).From < Window(a).To;
}
