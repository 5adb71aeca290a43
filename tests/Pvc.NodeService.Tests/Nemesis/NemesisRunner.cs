using System.Diagnostics;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// One nemesis run: the seed's schedule printed, the lab started, faults and client operations for the schedule's
/// length while the <see cref="LifecycleChecker"/> checks every lifecycle event, then everything healed, a wait (with
/// a deadline) for the cluster to settle into <see cref="FinalAgreement"/>, and a sweep for locks left held.
/// </summary>
internal static class NemesisRunner
{
    /// <summary>How long the cluster has to settle after the heal.</summary>
    public static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(120);

    /// <summary>Runs the schedule of <paramref name="seed"/>; its folder is kept when a violation was found (or <paramref name="keep"/>).</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="length">How long faults are applied.</param>
    /// <param name="echo">Receives each log line as it is written (a test's output, the bench's progress).</param>
    /// <param name="keep">Keep the run's folder even without a violation.</param>
    public static async Task<NemesisResult> RunAsync(int seed, TimeSpan length, Action<string>? echo = null, bool keep = false)
    {
        var total = Stopwatch.StartNew();
        var directory = Directory.CreateTempSubdirectory($"pvc-nemesis-{seed}-").FullName;
        var schedule = NemesisSchedule.Generate(seed, length, NemesisLab.NodeNames, 3, NemesisLab.VmNames);
        NemesisResult result;
        using (var log = new NemesisLog(Path.Combine(directory, "nemesis.log"), echo))
        {
            foreach (var line in schedule.Describe().TrimEnd('\n').Split('\n'))
                log.Line(line);
            result = new NemesisResult(schedule, directory, log.Path);
            try
            {
                await using var lab = await NemesisLab.StartAsync(directory, schedule.FencingYaml, log);
                lab.TeardownError = e => log.Line($"teardown: {e}");
                log.Line("lab up: every VM runs where it was started; faults begin");
                await RunScheduleAsync(lab, result, log);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // the run itself failed (the lab did not come up, a step threw): that is no pass either
                log.Line($"run failed: {e}");
                result.Violations.Add($"the run failed: {e.GetType().Name}: {e.Message}");
            }
            result.Total = total.Elapsed;
            log.Line(result.Summary());
        }
        if (result.Violations.Count == 0 && !keep)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // a file still held open: leave the temp folder
            }
        }
        return result;
    }

    private static async Task RunScheduleAsync(NemesisLab lab, NemesisResult result, NemesisLog log)
    {
        var start = log.Elapsed;
        var clusterOperator = new ClusterOperator(lab, log);
        var client = new NemesisClient(lab, result, log);
        using var over = new CancellationTokenSource();
        using var stopClients = new CancellationTokenSource();
        using var stopOperator = new CancellationTokenSource();
        var booting = clusterOperator.RunAsync(stopOperator.Token);
        var faults = new FaultInjector(lab, result, log).RunAsync(start, over.Token);
        var clients = client.RunAsync(start, stopClients.Token);
        try
        {
            await NemesisClock.WaitUntilAsync(log, start + result.Schedule.Length, CancellationToken.None);
            log.Line("faults over: healing everything");
            await over.CancelAsync();
            await stopClients.CancelAsync();
            await faults;
            await clients;
            var heal = Stopwatch.StartNew();
            await SettleAsync(lab, clusterOperator, client, result, log);
            result.HealTime = heal.Elapsed;
        }
        finally
        {
            await over.CancelAsync();
            await stopClients.CancelAsync();
            await stopOperator.CancelAsync();
            await booting;
        }
        await lab.Checker.DrainProbesAsync();
        result.EventsChecked = lab.Checker.EventsChecked;
        result.Resyncs = lab.Checker.Resyncs;
        result.Violations.InsertRange(0, lab.Checker.Overlaps.Select(o => $"at every instant: {o}"));
    }

    /// <summary>
    /// After the heal: every ZooKeeper member up, then, until the cluster agrees or the deadline passes, down nodes
    /// booted and flushed ones readied; what still disagrees at the deadline is a violation. Then the lock sweep.
    /// </summary>
    private static async Task SettleAsync(NemesisLab lab, ClusterOperator clusterOperator, NemesisClient client, NemesisResult result, NemesisLog log)
    {
        foreach (var member in lab.Ensemble.Members.Where(m => m.Pid is null))
        {
            // a member whose fault could not be healed (it failed to start in time): start it now
            member.Launch();
        }
        await Task.WhenAll(lab.Ensemble.Members.Select(m => m.WaitServingAsync(TimeSpan.FromSeconds(90))));
        var deadline = Stopwatch.StartNew();
        IReadOnlyList<string> problems = ["not looked at yet"];
        IReadOnlyList<string> last = [];
        while (deadline.Elapsed < SettleDeadline)
        {
            var changed = lab.Checker.NextChangeAsync();
            await clusterOperator.BootDownNodesAsync();
            await clusterOperator.ReadyFlushedNodesAsync();
            try
            {
                problems = await FinalAgreement.ProblemsAsync(lab, client.Intents, CancellationToken.None);
            }
            catch (ZooKeeperException e)
            {
                problems = [$"ZooKeeper: {e.Message}"];
            }
            result.AgreementChecks++;
            if (problems.Count == 0)
                break;
            if (!problems.SequenceEqual(last))
                log.Line($"settling: {string.Join("; ", problems)}");
            last = problems;
            // the agreement spans ZooKeeper, libvirt and processes: look again at the next lifecycle event, or after a second
            await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(1)));
        }
        if (problems.Count > 0)
        {
            log.Line($"not settled after {SettleDeadline.TotalSeconds:0} s");
            result.Violations.AddRange(problems.Select(p => $"after healing: {p}"));
            return;
        }
        result.Settled = true;
        log.Line($"settled in {deadline.Elapsed.TotalSeconds:0.0} s: ZooKeeper and libvirt agree");
        var sweep = await LockAudit.SweepAsync(lab, await LockAudit.LiveSessionsAsync(lab), CancellationToken.None);
        result.Violations.AddRange(sweep.Select(p => $"after healing: {p}"));
        log.Line(sweep.Count == 0 ? "lock sweep: no lock left held" : $"lock sweep: {string.Join("; ", sweep)}");
    }
}
